using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core;
using ScimHub.Core.Errors;
using ScimHub.Core.Patch;
using ScimHub.Core.Projection;
using ScimHub.Core.Resources;
using ScimHub.Core.Schemas;
using ScimHub.Provisioning.Groups;
using ScimHub.Provisioning.Storage;
using ScimHub.Provisioning.Users;
using ScimHub.Server.Errors;

namespace ScimHub.Server.Scim;

/// <summary>
/// /Bulk (RFC 7644 §3.7): operations run in order, each as its own request would; <c>bulkId:</c> references in paths
/// and values are replaced by the ids of resources created earlier in the same request; an operation that refers to a
/// bulkId created later waits for it. failOnErrors stops the run after that many errors.
/// </summary>
internal static class ScimBulkApi
{
    public const int MaxOperations = 1000;

    private const string BulkIdPrefix = "bulkId:";

    public static RouteGroupBuilder MapScimBulk(this RouteGroupBuilder scim)
    {
        scim.MapPost("/Bulk", BulkAsync);
        return scim;
    }

    private sealed record BulkOperation(int Index, string Method, string? BulkId, string? Version, string Path, JsonObject? Data);

    private static async Task<IResult> BulkAsync(HttpContext context, DirectoryUsers users, DirectoryGroups groups, RejectedRequests rejected, CancellationToken cancellationToken)
    {
        var scim = ScimRequest.From(context);
        var body = await ScimJson.ReadObjectAsync(context.Request, cancellationToken);
        var (operations, failOnErrors) = Parse(body);

        var created = new Dictionary<string, string>(StringComparer.Ordinal);
        var results = new JsonObject?[operations.Count];
        var pending = operations.ToList();
        var errors = 0;
        while (pending.Count > 0 && (failOnErrors is null || errors < failOnErrors))
        {
            var ready = pending.FirstOrDefault(op => References(op).All(created.ContainsKey));
            if (ready is null)
            {
                // What is left refers to bulkIds nothing created: unknown ids, or a cycle.
                foreach (var op in pending)
                {
                    var detail = $"Operation refers to bulkId(s) {string.Join(", ", References(op).Where(r => !created.ContainsKey(r)))} that no operation of this request created.";
                    results[op.Index] = Result(op, 409, null, null, ScimErrorBody.Create(409, ScimErrorType.InvalidValue, detail));
                    errors++;
                    await RecordRejectedAsync(rejected, scim, op, created, new ScimError(409, ScimErrorType.InvalidValue, detail));
                }

                break;
            }

            pending.Remove(ready);
            try
            {
                results[ready.Index] = await RunAsync(Resolve(ready, created), scim, users, groups, created, cancellationToken);
            }
            catch (ScimException exception)
            {
                results[ready.Index] = Result(ready, exception.Status, null, null, ScimErrorBody.Create(exception.Status, exception.ScimType, exception.Message));
                errors++;
                await RecordRejectedAsync(rejected, scim, ready, created, new ScimError(exception.Status, exception.ScimType, exception.Message));
            }
        }

        return ScimJson.Write(200, new JsonObject
        {
            ["schemas"] = new JsonArray(ScimConstants.BulkResponse),
            ["Operations"] = new JsonArray(results.Where(r => r is not null).Select(r => (JsonNode)r!).ToArray()),
        });
    }

    private static async Task<JsonObject> RunAsync(BulkOperation op, ScimRequest scim, DirectoryUsers users, DirectoryGroups groups, Dictionary<string, string> created, CancellationToken cancellationToken)
    {
        var segments = op.Path.Trim('/').Split('/');
        var type = segments[0].ToLowerInvariant() switch
        {
            "users" => scim.UserType,
            "groups" => CoreSchemas.GroupType,
            _ => throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"Bulk path '{op.Path}' must start with /Users or /Groups."),
        };
        var id = segments.Length > 1 ? Uri.UnescapeDataString(segments[1]) : null;
        var isUser = ReferenceEquals(type, scim.UserType);

        StoredResource? resource = null;
        int status;
        switch (op.Method, id)
        {
            case ("POST", null):
                if (op.BulkId is null)
                {
                    throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "A bulk POST needs a bulkId.");
                }

                resource = isUser ? await users.CreateAsync(scim.Events, Data(op), cancellationToken) : await groups.CreateAsync(scim.Events, Data(op), cancellationToken);
                created[op.BulkId] = resource.Id;
                status = 201;
                break;
            case ("PUT", not null):
                resource = isUser
                    ? await users.ReplaceAsync(scim.Events, id, Data(op), op.Version, cancellationToken)
                    : await groups.ReplaceAsync(scim.Events, id, Data(op), op.Version, includeMembers: false, cancellationToken);
                status = 200;
                break;
            case ("PATCH", not null):
                var operations = PatchRequest.Parse(Data(op));
                resource = isUser
                    ? await users.PatchAsync(scim.Events, id, operations, op.Version, cancellationToken)
                    : await groups.PatchAsync(scim.Events, id, operations, op.Version, includeMembers: false, cancellationToken);
                status = 200;
                break;
            case ("DELETE", not null):
                if (isUser)
                {
                    await users.DeleteAsync(scim.Events, id, op.Version, cancellationToken);
                }
                else
                {
                    await groups.DeleteAsync(scim.Events, id, op.Version, cancellationToken);
                }

                status = 204;
                break;
            default:
                throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"Bulk operation {op.Method} {op.Path} is not supported: POST takes a collection path, PUT, PATCH and DELETE a resource path.");
        }

        var location = resource is null ? $"{scim.BaseUrl}{type.Endpoint}/{id}" : ResourceRendering.Location(scim.BaseUrl, type, resource.Id);
        return Result(op, status, location, resource?.ETag, status == 201 ? ResourceRendering.Render(resource!, type, scim.BaseUrl, AttributeSelection.Default) : null);
    }

    /// <summary>A refused operation of a bulk request gets its failure event, like the same request sent alone.</summary>
    private static Task RecordRejectedAsync(RejectedRequests rejected, ScimRequest scim, BulkOperation op, Dictionary<string, string> created, ScimError error)
    {
        var segments = op.Path.Trim('/').Split('/');
        var id = segments.Length > 1 ? Uri.UnescapeDataString(segments[1]) : null;
        if (id is not null && id.StartsWith("bulkId:", StringComparison.Ordinal) && created.TryGetValue(id["bulkId:".Length..], out var resolved))
        {
            id = resolved;
        }

        var resourceType = segments[0].ToLowerInvariant() switch
        {
            "users" => ScimConstants.UserResource,
            "groups" => ScimConstants.GroupResource,
            _ => null,
        };
        var operation = RejectedRequests.OperationOf(op.Method);
        return resourceType is null || operation is null
            ? Task.CompletedTask
            : rejected.RecordAsync(scim.Events, resourceType, operation, id, op.Data, error);
    }

    private static JsonObject Result(BulkOperation op, int status, string? location, string? version, JsonObject? response)
    {
        var result = new JsonObject { ["method"] = op.Method };
        if (op.BulkId is not null)
        {
            result["bulkId"] = op.BulkId;
        }

        if (version is not null)
        {
            result["version"] = version;
        }

        if (location is not null)
        {
            result["location"] = location;
        }

        result["status"] = status.ToString(CultureInfo.InvariantCulture);
        if (response is not null)
        {
            result["response"] = response;
        }

        return result;
    }

    private static (List<BulkOperation> Operations, int? FailOnErrors) Parse(JsonObject body)
    {
        if (ResourceReader.Find(body, "schemas") is not JsonArray schemas
            || !schemas.Any(s => s is JsonValue v && v.GetValueKind() == JsonValueKind.String && string.Equals(v.GetValue<string>(), ScimConstants.BulkRequest, StringComparison.OrdinalIgnoreCase)))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"A bulk request must have \"schemas\": [\"{ScimConstants.BulkRequest}\"].");
        }

        int? failOnErrors = null;
        if (ResourceReader.Find(body, "failOnErrors") is { } fail)
        {
            if (fail is not JsonValue failValue || !failValue.TryGetValue<int>(out var n) || n < 1)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, "failOnErrors must be a whole number of at least 1.");
            }

            failOnErrors = n;
        }

        if (ResourceReader.Find(body, "Operations") is not JsonArray list || list.Count == 0)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "A bulk request needs a non-empty \"Operations\" list.");
        }

        if (list.Count > MaxOperations)
        {
            throw new ScimException(413, null, $"A bulk request may carry at most {MaxOperations} operations (maxOperations); this one has {list.Count}.");
        }

        var operations = new List<BulkOperation>(list.Count);
        var bulkIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject item)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"Operations[{i}] must be an object.");
            }

            var method = Text(item, "method", i)?.ToUpperInvariant() ?? throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"Operations[{i}] needs a method.");
            var path = Text(item, "path", i) ?? throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"Operations[{i}] needs a path.");
            var bulkId = Text(item, "bulkId", i);
            if (bulkId is not null && !bulkIds.Add(bulkId))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"bulkId '{bulkId}' is used by more than one operation.");
            }

            var data = ResourceReader.Find(item, "data");
            if (data is not null and not JsonObject)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"Operations[{i}].data must be an object.");
            }

            operations.Add(new BulkOperation(i, method, bulkId, Text(item, "version", i), path, (JsonObject?)data));
        }

        return (operations, failOnErrors);
    }

    private static string? Text(JsonObject item, string name, int index) => ResourceReader.Find(item, name) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"Operations[{index}].{name} must be a string."),
    };

    private static JsonObject Data(BulkOperation op) =>
        op.Data ?? throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"Bulk {op.Method} {op.Path} needs data.");

    /// <summary>The bulkIds an operation refers to, in its path or anywhere in its data.</summary>
    private static List<string> References(BulkOperation op)
    {
        var found = new List<string>();
        if (op.Path.Contains(BulkIdPrefix, StringComparison.Ordinal))
        {
            found.Add(op.Path[(op.Path.IndexOf(BulkIdPrefix, StringComparison.Ordinal) + BulkIdPrefix.Length)..].Split('/')[0]);
        }

        Collect(op.Data, found);
        return found;
    }

    private static void Collect(JsonNode? node, List<string> found)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Collect(value, found);
                }

                break;
            case JsonArray array:
                foreach (var value in array)
                {
                    Collect(value, found);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().StartsWith(BulkIdPrefix, StringComparison.Ordinal):
                found.Add(value.GetValue<string>()[BulkIdPrefix.Length..]);
                break;
        }
    }

    private static BulkOperation Resolve(BulkOperation op, Dictionary<string, string> created)
    {
        var path = op.Path;
        foreach (var (bulkId, id) in created)
        {
            path = path.Replace(BulkIdPrefix + bulkId, id, StringComparison.Ordinal);
        }

        return op with { Path = path, Data = (JsonObject?)Replace(op.Data?.DeepClone(), created) };
    }

    private static JsonNode? Replace(JsonNode? node, Dictionary<string, string> created)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var replaced = Replace(obj[key], created);
                    if (!ReferenceEquals(replaced, obj[key]))
                    {
                        obj[key] = replaced;
                    }
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var replaced = Replace(array[i], created);
                    if (!ReferenceEquals(replaced, array[i]))
                    {
                        array[i] = replaced;
                    }
                }

                return array;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String
                && value.GetValue<string>() is var text && text.StartsWith(BulkIdPrefix, StringComparison.Ordinal)
                && created.TryGetValue(text[BulkIdPrefix.Length..], out var id):
                return JsonValue.Create(id);
            default:
                return node;
        }
    }
}
