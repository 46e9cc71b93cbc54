import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { VARIABLES, type EnvVariable } from '../../libs/config/src';
import { searchAttributeTypeName } from '../../libs/devstack/src/temporal-dev-server';
import { ALL_SEARCH_ATTRIBUTES } from '../../libs/temporal/src/definitions';

/**
 * No Docker engine runs the stack in CI, so this holds docker/ to what `docker compose config`
 * would check (the Compose Specification's JSON schema, vendored from compose-spec/compose-spec)
 * and to the code it runs: commands, variables and search attributes that exist.
 */
const ROOT = path.resolve(__dirname, '../..');
const docker = (file: string) => readFileSync(path.join(ROOT, 'docker', file), 'utf8');
interface Service {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown> | string[];
  deploy?: { replicas?: number };
  ports?: string[];
  volumes?: string[];
  secrets?: string[];
}
const compose = parse(docker('compose.yaml'), { merge: true }) as { services: Record<string, Service>; secrets: Record<string, { file: string }> };

describe('docker/compose.yaml and docker/Dockerfile', () => {
  it('is a valid Compose file', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    // As Compose reads it: YAML merge keys (`<<: *app`) resolved first.
    const valid = ajv.validate(JSON.parse(docker('compose-spec.schema.json')) as object, compose);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs two API replicas behind the proxy and two workers, each on the compiled code', () => {
    const { api, worker, migrate, proxy } = compose.services;
    expect(api.deploy?.replicas).toBe(2);
    expect(worker.deploy?.replicas).toBe(2);
    expect(api.ports).toBeUndefined(); // reached through the proxy only
    expect(proxy.ports).toEqual(['3000:3000']);
    expect(proxy.volumes).toEqual(['./nginx.conf:/etc/nginx/nginx.conf:ro']);
    for (const [service, source] of [
      [api, 'apps/api/src/main.ts'],
      [worker, 'apps/worker/src/main.ts'],
      [migrate, 'scripts/migrate.ts'],
    ] as const) {
      expect(service.command).toEqual(['node', `dist/${source.replace(/\.ts$/, '.js')}`]);
      expect(existsSync(path.join(ROOT, source))).toBe(true);
    }
    for (const [name, service] of Object.entries(compose.services)) {
      const needs = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const other of needs) expect(`${name} -> ${other}: ${other in compose.services}`).toBe(`${name} -> ${other}: true`);
    }
    for (const { file } of Object.values(compose.secrets)) expect(existsSync(path.join(ROOT, 'docker', file))).toBe(true);
  });

  it('sets only variables ismsflow reads, and registers every search attribute the code uses', () => {
    for (const name of Object.keys(compose.services.api.environment ?? {})) {
      // Declared in the configuration schema; a `_FILE` only for a variable that may come from a file.
      const variable = (VARIABLES as Record<string, EnvVariable>)[name] ?? (VARIABLES as Record<string, EnvVariable>)[name.replace(/_FILE$/, '')];
      const readable = !!variable && (!name.endsWith('_FILE') || !!(variable.secret || variable.file));
      expect(`${name}: ${readable}`).toBe(`${name}: true`);
    }
    const registered = [...String(compose.services['temporal-setup'].command).matchAll(/(Isms\w+)=(\w+)/g)].map((m) => `${m[1]}=${m[2]}`);
    expect(registered.sort()).toEqual(ALL_SEARCH_ATTRIBUTES.map((k) => `${k.name}=${searchAttributeTypeName(k.type)}`).sort());
  });

  it('builds one image: production dependencies only, the workflow bundle prebuilt, an unprivileged user, a health check', () => {
    const dockerfile = docker('Dockerfile');
    expect(dockerfile).toContain('RUN npm run build');
    expect(dockerfile).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(dockerfile).toContain('WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('HEALTHCHECK');
    expect(existsSync(path.join(ROOT, 'scripts/healthcheck.ts'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.build).toContain('bundle-workflows');
  });
});
