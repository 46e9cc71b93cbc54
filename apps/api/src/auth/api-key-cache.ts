import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import type { ApiKey } from '../../../../libs/db/src';
import { GroupCommit } from '../../../../libs/records/src';
import { findApiKey, hashApiKey } from '../../../../libs/security/src';

const CHANNEL = 'api_keys_changed';
const MAX_KEYS = 10_000;

/**
 * The keys in use, kept in memory so most requests need no key lookup. PostgreSQL tells this process
 * of every change to a key (migration ApiKeyChanges: a trigger notifying `api_keys_changed`), and
 * the key is dropped.
 *
 * A notification travels on its own connection, so on its own it could arrive just after a request
 * that the change should already refuse. Before a cached key is trusted, this process therefore
 * makes one round trip on the listening connection, sent after the request arrived: PostgreSQL
 * delivers every notification committed before that query ahead of its answer. Requests arriving
 * together share one round trip (`SELECT 1`, a group commit), so a revocation takes effect on the
 * very next request, however it was made, at the cost of a trivial query instead of a lookup.
 * Without the channel (not yet connected, connection lost) every request reads the key.
 * Unknown keys are never cached.
 */
@Injectable()
export class ApiKeyCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('api keys');
  private readonly keys = new Map<string, ApiKey>();
  /** Counts notifications: a lookup that overlapped one does not cache what it read. */
  private generation = 0;
  private listener: Client | undefined;
  private heard: GroupCommit<void> | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async find(key: string): Promise<ApiKey | null> {
    const hash = hashApiKey(key);
    if (this.listener && this.keys.has(hash)) {
      const listener = this.listener;
      const caughtUp = await this.heard!.add().then(() => this.listener === listener, () => false);
      const cached = caughtUp ? this.keys.get(hash) : undefined;
      if (cached) return cached;
    }
    const seen = this.generation;
    const found = await findApiKey(this.db, key);
    if (found && this.listener && seen === this.generation) {
      if (this.keys.size >= MAX_KEYS) this.keys.clear();
      this.keys.set(hash, found);
    }
    return found;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl, connectionTimeoutMillis: 5000 });
    client.on('notification', (n) => {
      this.generation++;
      if (n.payload) this.keys.delete(n.payload);
      else this.keys.clear();
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.generation++;
      this.keys.clear();
      this.heard = new GroupCommit<void>(() => client.query('SELECT 1'));
      this.listener = client;
    } catch (err) {
      this.lost(client, err);
    }
  }

  /** Without the channel nothing is cached; it is opened again a few seconds later. */
  private lost(client: Client, err?: unknown): void {
    if (this.listener === client) this.listener = undefined;
    this.generation++;
    this.keys.clear();
    void client.end().catch(() => undefined);
    if (this.closed || this.reconnect) return;
    if (err) this.logger.warn(`key changes are not heard (${err instanceof Error ? err.message : 'the connection failed'}): every request reads its key until they are`);
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      void this.listen();
    }, 5000);
    this.reconnect.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
  }
}
