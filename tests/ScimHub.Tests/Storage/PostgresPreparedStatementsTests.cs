using Dapper;
using Npgsql;
using ScimHub.Provisioning.Storage;
using ScimHub.Tests.Support;

namespace ScimHub.Tests.Storage;

/// <summary>On PostgreSQL the hub's statements are prepared on the server after their second use, unless the connection string says otherwise.</summary>
[Trait("Storage", "PostgresOnly")]
public sealed class PostgresPreparedStatementsTests : IAsyncLifetime
{
    private TestStore store = null!;

    public async ValueTask InitializeAsync() => store = await TestStore.CreateAsync();

    public async ValueTask DisposeAsync() => await store.DisposeAsync();

    [Fact]
    public async Task A_statement_used_twice_is_prepared_on_the_server()
    {
        Assert.Equal(1, await PreparedAfterThreeUsesAsync(store.Options));
    }

    [Fact]
    public async Task Max_Auto_Prepare_in_the_connection_string_is_kept()
    {
        var options = new StorageOptions
        {
            Provider = StorageProvider.Postgres,
            ConnectionString = new NpgsqlConnectionStringBuilder(store.Options.ConnectionString) { MaxAutoPrepare = 0 }.ConnectionString,
        };

        Assert.Equal(0, await PreparedAfterThreeUsesAsync(options));
    }

    private static async Task<long> PreparedAfterThreeUsesAsync(StorageOptions options)
    {
        using var database = new Database(options);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i + 40, await connection.QuerySingleAsync<int>("SELECT @value::int + 40 AS answer_of_this_test", new { value = i }));
        }

        return await connection.QuerySingleAsync<long>("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%answer_of_this_test%'");
    }
}
