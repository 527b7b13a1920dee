// Prisma CLI configuration. Migrations are applied through Prisma's JS (WASM) schema engine and
// a driver adapter, so `prisma migrate deploy` needs no engine binary download (air-gapped
// installs work). The adapter-pg used here is a newer one than the runtime's: 6.19's adapter
// cannot read PostgreSQL's `name` type that the migration engine queries.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from 'pg-adapter-migrate';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error('DATABASE_URL is not set');
    return new PrismaPg({ connectionString });
  },
});
