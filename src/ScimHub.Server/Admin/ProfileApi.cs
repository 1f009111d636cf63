using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ScimHub.Provisioning;
using ScimHub.Provisioning.Admin;
using ScimHub.Provisioning.Directories;
using ScimHub.Provisioning.Profiles;
using ScimHub.Provisioning.Reports;

namespace ScimHub.Server.Admin;

/// <summary>
/// Directories and their user profile over the admin REST API: <c>GET /api/directories</c>, and
/// <c>/api/directories/{directory}/profile-attributes</c> (list, add, remove; a directory by id or name). The same
/// use cases as <c>scimhub profile …</c>.
/// </summary>
internal static class ProfileApi
{
    public static RouteGroupBuilder MapProfile(this RouteGroupBuilder api)
    {
        api.MapGet("/directories", ListDirectoriesAsync).WithTags("Directories").WithSummary("The hub's directories (tenants).");
        api.MapGet("/audit", AuditAsync).WithTags("Audit")
            .WithSummary("The admin audit log, newest first: app, feature, credential and profile changes. Filters: directory (id or name), since (e.g. 7d), limit (1-1000, default 100).");
        var attributes = api.MapGroup("/directories/{directory}/profile-attributes").WithTags("Directories");
        attributes.MapGet("/", ListAsync).WithSummary("The directory's custom profile attributes.");
        attributes.MapPost("/", AddAsync).WithSummary("Add a custom profile attribute; it appears over SCIM in the hub's extension schema at once.");
        attributes.MapDelete("/{name}", RemoveAsync)
            .WithSummary("Remove a custom profile attribute. When users hold values for it, this needs ?confirm=true, removes the values too and keeps an audit entry.");
        return api;
    }

    private static async Task<Ok<HubDirectory[]>> ListDirectoriesAsync(HubDirectories directories, CancellationToken cancellationToken) =>
        TypedResults.Ok((await directories.ListAsync(cancellationToken)).ToArray());

    private static async Task<Results<Ok<ProfileAttributeDefinition[]>, ProblemHttpResult>> ListAsync(
        string directory, HubDirectories directories, DirectoryProfiles profiles, CancellationToken cancellationToken) =>
        await directories.FindAsync(directory, cancellationToken) is { } found
            ? TypedResults.Ok((await profiles.ListAsync(found.Id, cancellationToken)).ToArray())
            : NoSuchDirectory(directory);

    private static async Task<Results<Created<ProfileAttributeDefinition>, ProblemHttpResult>> AddAsync(
        string directory, ProfileAttributeRequest body, HubDirectories directories, DirectoryProfiles profiles, CancellationToken cancellationToken)
    {
        if (await directories.FindAsync(directory, cancellationToken) is not { } found)
        {
            return NoSuchDirectory(directory);
        }

        var added = await profiles.AddAsync(found.Id, body.ToDefinition(), cancellationToken);
        return TypedResults.Created($"/api/directories/{found.Id}/profile-attributes/{added.Name}", added);
    }

    private static async Task<Results<Ok<ProfileRemoval>, ProblemHttpResult>> RemoveAsync(
        string directory, string name, [FromQuery] bool? confirm, HubDirectories directories, DirectoryProfiles profiles, CancellationToken cancellationToken)
    {
        if (await directories.FindAsync(directory, cancellationToken) is not { } found)
        {
            return NoSuchDirectory(directory);
        }

        return await profiles.RemoveAsync(found.Id, name, confirm == true, cancellationToken) switch
        {
            null => TypedResults.Problem(statusCode: 404, title: "No such attribute", detail: $"Directory '{found.Name}' has no custom attribute '{name}'."),
            { Removed: false } refused => TypedResults.Problem(statusCode: 409, title: "The attribute holds data",
                detail: $"{refused.UsersWithValues} user(s) hold values for '{name}'. Removing it removes those values too: repeat with ?confirm=true."),
            var removed => TypedResults.Ok(removed),
        };
    }

    private static async Task<Results<Ok<AuditEntry[]>, ProblemHttpResult>> AuditAsync(
        string? directory, string? since, int? limit, HubDirectories directories, AdminAudit audit, TimeProvider time, CancellationToken cancellationToken)
    {
        string? directoryId = null;
        if (directory is not null)
        {
            if (await directories.FindAsync(directory, cancellationToken) is not { } found)
            {
                return NoSuchDirectory(directory);
            }

            directoryId = found.Id;
        }

        var from = since is null ? (DateTimeOffset?)null : time.GetUtcNow() - ReportQuery.Duration(since, "since");
        return TypedResults.Ok((await audit.ListAsync(directoryId, from, limit ?? 100, cancellationToken)).ToArray());
    }

    private static ProblemHttpResult NoSuchDirectory(string directory) =>
        TypedResults.Problem(statusCode: 404, title: "No such directory", detail: $"No directory '{directory}' (give its id or name). GET /api/directories lists them.");
}

/// <summary>POST …/profile-attributes: name and type (string, boolean, integer, decimal, dateTime, reference) are needed.</summary>
internal sealed record ProfileAttributeRequest(string? Name, string? Type, bool? MultiValued, bool? Required, bool? CaseExact, string? Description)
{
    public ProfileAttributeDefinition ToDefinition() =>
        new(Name ?? "", Type ?? throw new InvalidInputException("type", "Give the attribute a type: string, boolean, integer, decimal, dateTime or reference."),
            MultiValued ?? false, Required ?? false, CaseExact ?? false, Description ?? "");
}
