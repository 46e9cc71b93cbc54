import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { AppConfig } from '../../config/src';
import { dataConverter } from './codec';
import { temporalConnectionOptions } from './connection';
import { ALL_SEARCH_ATTRIBUTES } from './definitions';

export async function connectClient(config: Pick<AppConfig, 'temporal'>): Promise<Client> {
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
  return new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
}

/**
 * Registers ismsflow's search attributes on a server that lacks them (a fresh cluster, the
 * time-skipping test server). The dev server gets them on its command line instead.
 */
export async function registerSearchAttributes(connection: Pick<Connection, 'operatorService'>, namespace: string): Promise<void> {
  const searchAttributes = Object.fromEntries(
    ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${k.type}`]]),
  );
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}

/** Where an admin sees a workflow in the Temporal UI. */
export function temporalUiLink(temporal: AppConfig['temporal'], workflowId: string): string {
  return `${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`;
}
