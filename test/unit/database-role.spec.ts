import {
  mayMigrate,
  productionRoleRefusal,
  type DatabaseRole,
} from '../../src/infrastructure/postgres/database-role.js';

const service: DatabaseRole = {
  name: 'ledger_service',
  superuser: false,
  ownsLedger: false,
  mayCreate: false,
};

describe('the database role the service runs as', () => {
  it('may run in production when it neither is a superuser nor owns the ledger', () => {
    expect(productionRoleRefusal(service)).toBeNull();
    expect(mayMigrate(service)).toBe(false);
  });

  it('is refused in production as a superuser, saying why and what to do', () => {
    const refusal = productionRoleRefusal({ ...service, name: 'postgres', superuser: true });
    expect(refusal).toMatch(/as postgres, a PostgreSQL superuser: it could rewrite or delete/);
    expect(refusal).toMatch(/DATABASE_URL names the service role/);
    expect(refusal).toMatch(/DATABASE_OWNER_URL or 'npm run ledger -- migrate'/);
  });

  it("is refused in production as the ledger's owner or a member of the owner role", () => {
    expect(productionRoleRefusal({ ...service, ownsLedger: true })).toMatch(
      /the owner of the ledger's tables \(or a member of their owner\): it could disable the append-only triggers/,
    );
  });

  it('migrates itself only as a superuser, the owner, or on an empty schema it may create in', () => {
    expect(mayMigrate({ ...service, superuser: true })).toBe(true);
    expect(mayMigrate({ ...service, ownsLedger: true })).toBe(true);
    expect(mayMigrate({ ...service, ownsLedger: null, mayCreate: true })).toBe(true);
    expect(mayMigrate({ ...service, ownsLedger: false, mayCreate: true })).toBe(false);
  });
});
