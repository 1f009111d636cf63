using System.Collections.Concurrent;
using System.Data;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// A SQLite connection that compiles each SQL text once. Microsoft.Data.Sqlite keeps a compiled statement only as long
/// as the command object that compiled it (dotnet/efcore#14044), and every Dapper call makes a new command, so each
/// query was parsed and planned again: about a fifth of the hub's CPU time on look-ups. Commands created here (Dapper's
/// included) run a statement kept on this connection for the same text instead; it is reset after every use and keeps
/// no values. Like any ADO.NET connection, it serves one caller at a time.
/// </summary>
internal sealed class PreparedSqliteConnection(string connectionString, Action<PreparedSqliteConnection>? giveBack = null)
    : SqliteConnection(connectionString)
{
    /// <summary>Distinct texts kept at most; filters of many shapes could otherwise grow it without end.</summary>
    private const int MaxKept = 128;

    private readonly Dictionary<string, KeptStatement> kept = new(StringComparer.Ordinal);
    private int lent;
    private bool closing;

    /// <summary>How many statements this connection has compiled (a kept one runs again without).</summary>
    internal int Compiled { get; private set; }

    /// <summary>True when nothing is in use: no transaction, no statement lent out. Only then may another caller have it.</summary>
    internal bool Idle => State == ConnectionState.Open && Transaction is null && lent == 0;

    public override SqliteCommand CreateCommand() =>
        new PreparedSqliteCommand(this) { CommandTimeout = DefaultTimeout, Transaction = Transaction };

    /// <summary>The statement kept for this text, or a new one (compiled on first use).</summary>
    internal KeptStatement Lend(string sql)
    {
        lent++;
        if (kept.Remove(sql, out var statement))
        {
            return statement;
        }

        Compiled++;
        return new KeptStatement(sql, this);
    }

    /// <summary>Takes back a statement that failed: it is not kept, so nothing of an unfinished step reaches the next caller.</summary>
    internal void Drop(KeptStatement statement)
    {
        lent--;
        statement.Dispose();
    }

    /// <summary>Takes a statement back, to keep it unless it is still reading or another one of its text is kept.</summary>
    internal void TakeBack(KeptStatement statement)
    {
        lent--;
        if (statement.Reading || closing || State != ConnectionState.Open || kept.ContainsKey(statement.CommandText))
        {
            // Disposed with its parameters: a reader still open finishes the text's remaining statements with them.
            statement.Dispose();
            return;
        }

        statement.Parameters.Clear();
        statement.Transaction = null;
        if (kept.Count >= MaxKept)
        {
            // One text makes room (any: a hot one is compiled again on its next use), not all of them.
            var (text, evicted) = kept.First();
            kept.Remove(text);
            evicted.Dispose();
        }

        kept[statement.CommandText] = statement;
    }

    public override void Close()
    {
        // Closing disposes the commands still open on the connection, whose statements come back here meanwhile.
        closing = true;
        try
        {
            DisposeKept();
            base.Close();
        }
        finally
        {
            DisposeKept();
            closing = false;
        }
    }

    /// <summary>A connection of the read pool goes back to it when its caller is done; any other closes.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && giveBack is not null && Idle)
        {
            giveBack(this);
            return;
        }

        base.Dispose(disposing);
    }

    /// <summary>Closes the connection for good, whether it belongs to a pool or not.</summary>
    internal void Discard() => base.Dispose(disposing: true);

    private void DisposeKept()
    {
        foreach (var statement in kept.Values)
        {
            statement.Dispose();
        }

        kept.Clear();
    }

    /// <summary>A command whose compiled statements outlive one query.</summary>
    internal sealed class KeptStatement : SqliteCommand
    {
        public KeptStatement(string sql, SqliteConnection connection)
            : base(sql, connection)
        {
        }

        public bool Reading => DataReader is not null;
    }
}

/// <summary>
/// What Dapper and the hub's code create on a <see cref="PreparedSqliteConnection"/>: it gathers the text, parameters
/// and transaction like any command, and runs them on the connection's kept statement for that text.
/// </summary>
internal sealed class PreparedSqliteCommand(PreparedSqliteConnection owner) : SqliteCommand
{
    private PreparedSqliteConnection.KeptStatement? statement;

    [AllowNull]
    public override string CommandText
    {
        get => base.CommandText;
        set
        {
            if (value != base.CommandText)
            {
                GiveBack();
            }

            base.CommandText = value;
        }
    }

    public override void Prepare()
    {
        Statement().Prepare();
    }

    public override SqliteDataReader ExecuteReader(CommandBehavior behavior)
    {
        var kept = Statement();
        kept.Transaction = Transaction;
        kept.CommandTimeout = CommandTimeout;
        kept.Parameters.Clear();
        // By index: the collection's enumerator is an object per statement run.
        for (var i = 0; i < Parameters.Count; i++)
        {
            kept.Parameters.Add(Prefixed(Parameters[i]));
        }

        try
        {
            return kept.ExecuteReader(behavior);
        }
        catch (Exception) when (!kept.Reading)
        {
            statement = null;
            owner.Drop(kept);
            throw;
        }
    }

    /// <summary>
    /// Names the parameter as the SQL does (<c>@name</c>; Dapper passes <c>name</c>). Microsoft.Data.Sqlite looks a
    /// bare name up four times (as given, then with each of <c>: @ $</c>, to find an ambiguous one), each a native
    /// call with the name encoded anew; the hub's SQL names parameters with <c>@</c> only (or prefixes them itself).
    /// </summary>
    private static SqliteParameter Prefixed(SqliteParameter parameter)
    {
        var name = parameter.ParameterName;
        if (name.Length > 0 && name[0] is not ('@' or ':' or '$'))
        {
            parameter.ParameterName = PrefixedNames.TryGetValue(name, out var prefixed) ? prefixed
                : PrefixedNames.Count < 1024 ? PrefixedNames.GetOrAdd(name, "@" + name) : "@" + name;
        }

        return parameter;
    }

    private static readonly ConcurrentDictionary<string, string> PrefixedNames = new(StringComparer.Ordinal);

    public override int ExecuteNonQuery()
    {
        using var reader = ExecuteReader(CommandBehavior.Default);
        reader.Close();
        return reader.RecordsAffected;
    }

    public override object? ExecuteScalar()
    {
        using var reader = ExecuteReader(CommandBehavior.Default);
        return reader.Read() ? reader.GetValue(0) : null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            GiveBack();
        }

        base.Dispose(disposing);
    }

    private PreparedSqliteConnection.KeptStatement Statement()
    {
        if (owner.State != ConnectionState.Open)
        {
            throw new InvalidOperationException("The connection is not open.");
        }

        return statement ??= owner.Lend(CommandText);
    }

    private void GiveBack()
    {
        if (statement is not null)
        {
            owner.TakeBack(statement);
            statement = null;
        }
    }
}
