#!/bin/sh
# Runs once, when docker-compose.yml's database is first created (docker-entrypoint-initdb.d):
# the application's own role, which owns nothing. POSTGRES_USER owns the tables and runs the
# migrations (MIGRATION_DATABASE_URL); after migrating, the app grants this role what it needs
# (src/database-roles.ts, docs/operations.md).
set -eu
psql -v ON_ERROR_STOP=1 -v pw="$APP_DB_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
create role minsheng_app login password :'pw';
SQL
