using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// The few places where SQL differs between the databases the hub runs on. Use cases write portable SQL and ask the
/// dialect for the rest (JSON access, case folding, string matching, row locks, error kinds).
/// </summary>
public abstract class SqlDialect
{
    public static readonly SqlDialect Sqlite = new SqliteDialect();

    public static readonly SqlDialect Postgres = new PostgresDialect();

    /// <summary>The folder of this database's migration scripts under Storage/Migrations.</summary>
    public abstract string MigrationsFolder { get; }

    /// <summary>Appended to a SELECT of a row that the transaction will change, so that concurrent writers queue on it.</summary>
    public abstract string ForUpdate { get; }

    /// <summary>
    /// Locks the row against other writers of it but not against foreign-key checks of rows that reference it
    /// (PostgreSQL: an insert of a child row takes KEY SHARE, which FOR UPDATE would block).
    /// </summary>
    public abstract string ForNoKeyUpdate { get; }

    /// <summary>The text at a JSON path of a JSON text column; <paramref name="pathParameter"/> holds <see cref="JsonPath"/>.</summary>
    public abstract string JsonValue(string column, string pathParameter);

    /// <summary>A JSON value read by <see cref="JsonValue"/> or <see cref="JsonElementValue"/>, as a number.</summary>
    public abstract string JsonNumber(string expression);

    /// <summary>A number as a parameter that compares as a number with JSON numbers (SQLite binds decimal as text).</summary>
    public virtual object NumberParameter(decimal value) => value;

    /// <summary>A table source of the elements of the JSON array at a path, aliased <paramref name="alias"/>.</summary>
    public abstract string JsonElements(string column, string pathParameter, string alias);

    /// <summary>The element itself (as text) inside <see cref="JsonElements"/>.</summary>
    public abstract string JsonElement(string alias);

    /// <summary>A sub-attribute of an element inside <see cref="JsonElements"/>.</summary>
    public abstract string JsonElementValue(string alias, string pathParameter);

    /// <summary>The parameter value for a path of keys (e.g. name, givenName).</summary>
    public abstract object JsonPath(IEnumerable<string> keys);

    /// <summary>How a JSON boolean read by <see cref="JsonValue"/> compares.</summary>
    public abstract object JsonBoolean(bool value);

    public abstract string Lower(string expression);

    public abstract string Contains(string expression, string parameter);

    public abstract string StartsWith(string expression, string parameter);

    public abstract string EndsWith(string expression, string parameter);

    /// <summary>True when the error is a violated unique index (a duplicate userName, say).</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>True when the database could not serve the request now (locked, busy, unreachable) but may soon.</summary>
    public abstract bool IsTransient(DbException exception);

    /// <summary>
    /// True when the database refused a value itself (PostgreSQL: a U+0000 in text, a key too long for an index):
    /// the request's fault, a 400.
    /// </summary>
    public abstract bool IsInvalidValue(DbException exception);

    /// <summary>Appended to an existence check of rows that the transaction relies on, so that they cannot be deleted until it ends.</summary>
    public abstract string ForKeyShare { get; }

    /// <summary>A list of strings as one parameter value, for <see cref="ListValues"/> (so that a batch is one statement).</summary>
    public abstract object ListParameter(IEnumerable<string> values);

    /// <summary>A sub-query of one column, <c>value</c>, holding the strings of a <see cref="ListParameter"/>.</summary>
    public abstract string ListValues(string parameter);

    /// <summary>A parameter as the value of a LIMIT or OFFSET clause.</summary>
    public virtual string RowCount(string parameter) => parameter;

    /// <summary>SQL run first in start-up transactions (migrations, the first directory), so that nodes starting at once take turns.</summary>
    public abstract string StartupLock { get; }

    private sealed class SqliteDialect : SqlDialect
    {
        public override string MigrationsFolder => "Sqlite";

        // BEGIN IMMEDIATE already holds the database's only write lock.
        public override string ForUpdate => "";

        public override string ForNoKeyUpdate => "";

        public override string ForKeyShare => "";

        public override bool IsInvalidValue(DbException exception) => false;

        public override string StartupLock => "SELECT 1";

        // SQLite reads the value bound to a bare `LIMIT @p` or `OFFSET @p` when it plans the statement, and then
        // compiles the statement again every time that parameter is bound, which is every time it runs: a look-up
        // spent a tenth of the hub's CPU time parsing and planning its page query again. SQLite does not look into
        // an expression, so the statement is compiled once and kept (PreparedSqliteConnection).
        public override string RowCount(string parameter) => $"({parameter} + 0)";

        public override object ListParameter(IEnumerable<string> values) => System.Text.Json.JsonSerializer.Serialize(values);

        public override string ListValues(string parameter) => $"SELECT value FROM json_each({parameter})";

        public override string JsonValue(string column, string pathParameter) => $"json_extract({column}, {pathParameter})";

        public override string JsonNumber(string expression) => expression;

        public override object NumberParameter(decimal value) =>
            value == decimal.Truncate(value) && value >= long.MinValue && value <= long.MaxValue ? (long)value : (double)value;

        public override string JsonElements(string column, string pathParameter, string alias) => $"json_each({column}, {pathParameter}) AS {alias}";

        public override string JsonElement(string alias) => $"{alias}.value";

        public override string JsonElementValue(string alias, string pathParameter) => $"json_extract({alias}.value, {pathParameter})";

        public override object JsonPath(IEnumerable<string> keys) => "$" + string.Concat(keys.Select(k => $".\"{k}\""));

        public override object JsonBoolean(bool value) => value ? 1 : 0;

        public override string Lower(string expression) => $"scim_lower({expression})";

        public override string Contains(string expression, string parameter) => $"instr({expression}, {parameter}) > 0";

        public override string StartsWith(string expression, string parameter) => $"substr({expression}, 1, length({parameter})) = {parameter}";

        public override string EndsWith(string expression, string parameter) => $"substr({expression}, -length({parameter})) = {parameter}";

        // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
        public override bool IsUniqueViolation(DbException exception) =>
            exception is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };

        // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another writer held the database past the busy timeout.
        public override bool IsTransient(DbException exception) =>
            exception is SqliteException { SqliteErrorCode: 5 or 6 };
    }

    /// <summary>Resources are stored as JSON text (so that key order and spelling round-trip exactly) and cast for reading.</summary>
    private sealed class PostgresDialect : SqlDialect
    {
        public override string MigrationsFolder => "Postgres";

        public override string ForUpdate => " FOR UPDATE";

        public override string ForNoKeyUpdate => " FOR NO KEY UPDATE";

        public override string ForKeyShare => " FOR KEY SHARE";

        // 22021: U+0000 in text; 22P05: untranslatable character; 54000: an index row over its size limit.
        public override bool IsInvalidValue(DbException exception) =>
            // 22P02/22023: a stored JSON value that does not fit a filter's cast or expansion (a value of another type).
            exception is PostgresException { SqlState: "22021" or "22P05" or "54000" or "22P02" or "22023" };

        // One lock for every starting node (an arbitrary constant).
        public override string StartupLock => "SELECT pg_advisory_xact_lock(7310589831467106)";

        public override object ListParameter(IEnumerable<string> values) => values.ToArray();

        public override string ListValues(string parameter) => $"SELECT unnest(CAST({parameter} AS text[])) AS value";

        public override string JsonValue(string column, string pathParameter) => $"(CAST({column} AS json) #>> {pathParameter})";

        public override string JsonNumber(string expression) => $"CAST({expression} AS numeric)";

        public override string JsonElements(string column, string pathParameter, string alias) =>
            $"json_array_elements(CAST({column} AS json) #> {pathParameter}) AS {alias}(value)";

        public override string JsonElement(string alias) => $"({alias}.value #>> '{{}}')";

        public override string JsonElementValue(string alias, string pathParameter) => $"({alias}.value #>> {pathParameter})";

        public override object JsonPath(IEnumerable<string> keys) => keys.ToArray();

        public override object JsonBoolean(bool value) => value ? "true" : "false";

        public override string Lower(string expression) => $"lower({expression})";

        public override string Contains(string expression, string parameter) => $"strpos({expression}, {parameter}) > 0";

        public override string StartsWith(string expression, string parameter) => $"left({expression}, length({parameter})) = {parameter}";

        public override string EndsWith(string expression, string parameter) => $"right({expression}, length({parameter})) = {parameter}";

        public override bool IsUniqueViolation(DbException exception) =>
            exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

        // 55P03: a row lock not granted within lock_timeout (the busy timeout).
        public override bool IsTransient(DbException exception) =>
            exception is NpgsqlException { IsTransient: true } or PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable };
    }
}
