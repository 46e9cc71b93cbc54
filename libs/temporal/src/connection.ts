import type { AppConfig } from '../../config/src';

/**
 * How the API (Connection) and the worker (NativeConnection) reach Temporal: plain on a dev server,
 * TLS or mTLS on a self-hosted cluster, TLS with an API key on Temporal Cloud. Both take this shape.
 */
export function temporalConnectionOptions(t: AppConfig['temporal']) {
  const tls = t.tls && {
    serverNameOverride: t.tls.serverName,
    serverRootCACertificate: t.tls.caCert ? Buffer.from(t.tls.caCert) : undefined,
    clientCertPair: t.tls.clientCert && t.tls.clientKey ? { crt: Buffer.from(t.tls.clientCert), key: Buffer.from(t.tls.clientKey) } : undefined,
  };
  return { address: t.address, tls, apiKey: t.apiKey };
}
