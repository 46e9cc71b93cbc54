/** `npm run migrate`: brings DATABASE_URL's database to the current schema. */
import 'reflect-metadata';
import { migrate } from '../libs/db/src';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Set DATABASE_URL (npm start migrates its embedded database by itself)');
  process.exit(2);
}
migrate(url).then(
  (ran) => console.log(ran.length ? `ran ${ran.join(', ')}` : 'schema is up to date'),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
