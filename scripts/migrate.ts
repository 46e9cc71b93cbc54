/** `npm run migrate`: brings DATABASE_URL's database to the current schema. */
import 'reflect-metadata';
import { ConfigError, readEnv } from '../libs/config/src';
import { migrate } from '../libs/db/src';

function databaseUrl(): string | undefined {
  try {
    return readEnv(['DATABASE_URL'], process.env, { required: ['DATABASE_URL'] }).DATABASE_URL;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`${err.message} (npm start migrates its embedded database by itself)`);
    return undefined;
  }
}

const url = databaseUrl();
if (!url) process.exit(2);
migrate(url).then(
  (ran) => console.log(ran.length ? `ran ${ran.join(', ')}` : 'schema is up to date'),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
