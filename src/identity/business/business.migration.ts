import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Whom a person acts for towards an agency's system, chosen at sign-in, per grant (the
 * consent they gave that client). No business means themselves. `locale` is the language
 * the client asked claims in, for the business's name.
 */
export const businessMigrations: Record<string, Migration> = {
  '20261123_0204_identity_grant_business': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('identity_grant_business')
        .addColumn('grant_id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('identity_person.id'))
        .addColumn('business_id', 'text', (c) => c.references('identity_business.id'))
        .addColumn('locale', 'text', (c) => c.notNull().defaultTo('uz'))
        .addColumn('chosen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
};
