using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace ScimHub.Provisioning.Storage;

/// <summary>
/// Keeps ASP.NET Data Protection keys in the hub's database instead of a node's disk: every node reads the same key
/// ring, so secrets encrypted at rest (outbound apps' tokens and passwords, when they come) decrypt on any node.
/// The keys are stored as Data Protection writes them, unencrypted: a copy of the database holds the key ring too.
/// Protecting the ring with a certificate or a KMS key is to come before outbound secrets are stored.
/// Data Protection calls this synchronously and rarely (start-up, key roll every 90 days).
/// </summary>
public sealed class DataProtectionKeyRepository(Database database, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        return connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created, id").Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var write = database.BeginAsync(CancellationToken.None).GetAwaiter().GetResult();
        try
        {
            write.Connection.Execute(
                "INSERT INTO data_protection_keys (id, friendly_name, xml, created) VALUES (@id, @friendlyName, @xml, @created)",
                new
                {
                    id = Guid.CreateVersion7(time.GetUtcNow()).ToString(),
                    friendlyName,
                    xml = element.ToString(SaveOptions.DisableFormatting),
                    created = Timestamps.Format(time.GetUtcNow()),
                },
                write.Transaction);
            write.CommitAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            write.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
