using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// The few places where SQL differs between the databases the hub runs on. Use cases write portable SQL and ask the
/// dialect for the rest (JSON access, case folding, string matching).
/// </summary>
public abstract class SqlDialect
{
    public static readonly SqlDialect Sqlite = new SqliteDialect();

    /// <summary>The text (or number, or boolean) at a JSON path of a JSON column; <paramref name="pathParameter"/> holds the path.</summary>
    public abstract string JsonValue(string column, string pathParameter);

    /// <summary>A table source of the elements of the JSON array at a path, aliased <paramref name="alias"/>.</summary>
    public abstract string JsonElements(string column, string pathParameter, string alias);

    /// <summary>The element itself inside <see cref="JsonElements"/>.</summary>
    public abstract string JsonElement(string alias);

    /// <summary>A sub-attribute of an element inside <see cref="JsonElements"/>.</summary>
    public abstract string JsonElementValue(string alias, string pathParameter);

    /// <summary>The value to pass for a path of keys (e.g. name, givenName).</summary>
    public abstract string JsonPath(IEnumerable<string> keys);

    /// <summary>How a boolean stored in JSON compares (SQLite's json_extract gives 1 or 0).</summary>
    public abstract object JsonBoolean(bool value);

    public abstract string Lower(string expression);

    public abstract string Contains(string expression, string parameter);

    public abstract string StartsWith(string expression, string parameter);

    public abstract string EndsWith(string expression, string parameter);

    /// <summary>True when the error is a violated unique index (a duplicate userName, say).</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>True when the database could not serve the request now (locked, busy, unreachable) but may soon.</summary>
    public abstract bool IsTransient(DbException exception);

    private sealed class SqliteDialect : SqlDialect
    {
        public override string JsonValue(string column, string pathParameter) => $"json_extract({column}, {pathParameter})";

        public override string JsonElements(string column, string pathParameter, string alias) => $"json_each({column}, {pathParameter}) AS {alias}";

        public override string JsonElement(string alias) => $"{alias}.value";

        public override string JsonElementValue(string alias, string pathParameter) => $"json_extract({alias}.value, {pathParameter})";

        public override string JsonPath(IEnumerable<string> keys) => "$" + string.Concat(keys.Select(k => $".\"{k}\""));

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
}
