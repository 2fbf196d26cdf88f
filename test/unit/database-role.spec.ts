import {
  mayMigrate,
  productionOwnerUrlRefusal,
  productionRoleRefusal,
  type DatabaseRole,
} from '../../src/infrastructure/postgres/database-role.js';

const service: DatabaseRole = {
  name: 'ledger_service',
  superuser: false,
  ownsLedger: false,
  mayCreate: false,
  createsRoles: false,
  writesAllData: false,
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
    expect(refusal).toMatch(/'npm run ledger -- migrate' and DATABASE_OWNER_URL, which the server/);
  });

  it("is refused in production as the ledger's owner or a member of the owner role", () => {
    expect(productionRoleRefusal({ ...service, ownsLedger: true })).toMatch(
      /the owner of the ledger's tables \(or a member of their owner\): it could disable the append-only triggers/,
    );
  });

  it('is refused in production with CREATEROLE, naming the attribute and how to drop it', () => {
    const refusal = productionRoleRefusal({ ...service, createsRoles: true });
    expect(refusal).toMatch(/as ledger_service, a role with CREATEROLE: it could grant itself/);
    expect(refusal).toMatch(/ALTER ROLE ledger_service NOCREATEROLE/);
  });

  it('is refused in production as a member of pg_write_all_data', () => {
    expect(productionRoleRefusal({ ...service, writesAllData: true })).toMatch(
      /a member of pg_write_all_data \(directly or through another role\): it could write the ledger's tables directly, around ledger_append/,
    );
  });

  it('migrates itself only as a superuser, the owner, or on an empty schema it may create in', () => {
    expect(mayMigrate({ ...service, superuser: true })).toBe(true);
    expect(mayMigrate({ ...service, ownsLedger: true })).toBe(true);
    expect(mayMigrate({ ...service, ownsLedger: null, mayCreate: true })).toBe(true);
    expect(mayMigrate({ ...service, ownsLedger: false, mayCreate: true })).toBe(false);
  });
});

describe("the owner's URL in the server's configuration", () => {
  it('is refused in production only, naming the migrate command it belongs to', () => {
    expect(productionOwnerUrlRefusal(true, true)).toMatch(
      /in production with DATABASE_OWNER_URL set: .* belong to 'npm run ledger -- migrate' alone/,
    );
    expect(productionOwnerUrlRefusal(true, false)).toBeNull();
    expect(productionOwnerUrlRefusal(false, true)).toBeNull();
  });
});
