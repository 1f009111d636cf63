using System.Text.Json;
using System.Text.Json.Nodes;
using ScimHub.Core.Errors;
using ScimHub.Core.Filters;
using ScimHub.Core.Paths;
using ScimHub.Core.Resources;
using ScimHub.Core.Schemas;

namespace ScimHub.Core.Patch;

/// <summary>The outcome of a PATCH: the changed resource and, for a group, the member changes to store.</summary>
public sealed record PatchResult(JsonObject Resource, IReadOnlyList<MembershipChange> MembershipChanges);

/// <summary>
/// Applies PATCH operations (RFC 7644 §3.5.2) to a resource in canonical form. The whole request applies or nothing
/// does: it works on a copy and throws <see cref="ScimException"/> on the first bad operation.
/// Group members are not applied to the resource; they come back as <see cref="MembershipChange"/>s.
/// </summary>
public static class PatchEngine
{
    public static PatchResult Apply(JsonObject resource, ResourceType type, IReadOnlyList<PatchOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(operations);

        var working = (JsonObject)resource.DeepClone();
        var members = new List<MembershipChange>();
        foreach (var operation in operations)
        {
            if (operation.Type == PatchOperationType.Remove && operation.Path is not null && Extension(type, operation.Path) is { } removed)
            {
                working.Remove(removed.Id);
                SyncSchemas(working, type);
                continue;
            }

            foreach (var (path, value) in Expand(operation, type))
            {
                ApplyOne(working, type, operation.Type, path, value, members);
            }
        }

        ResourceReader.CheckRequired(working, type);
        return new PatchResult(working, members);
    }

    /// <summary>
    /// A path-less add/replace carries an object of attributes; each key is a path of its own. Keys may be dotted
    /// (<c>name.givenName</c>) or URN-prefixed, as Entra ID sends them with aadOptscim062020, or an extension URN whose
    /// value is an object of that extension's attributes.
    /// </summary>
    private static IEnumerable<(PatchPath Path, JsonNode? Value)> Expand(PatchOperation operation, ResourceType type)
    {
        var values = operation.Value as JsonObject;
        if (operation.Path is not null)
        {
            var extension = Extension(type, operation.Path);
            if (extension is null)
            {
                yield return (PatchPath.Parse(operation.Path), operation.Value);
                yield break;
            }

            // "path": "<extension URN>" with an object of that extension's attributes as value.
            values = new JsonObject { [extension.Id] = operation.Value?.DeepClone() };
        }

        foreach (var (key, value) in values!)
        {
            // Okta sends the group's id with every rename ({"id": ..., "displayName": ...}); id, meta and schemas are
            // the server's and are ignored here, as in a POST.
            if (key.Equals("id", StringComparison.OrdinalIgnoreCase) || key.Equals("meta", StringComparison.OrdinalIgnoreCase)
                || key.Equals("schemas", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var schema = type.FindSchema(key);
            if (schema is not null && !ReferenceEquals(schema, type.Schema))
            {
                if (value is not JsonObject extension)
                {
                    throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{key}' must be an object of {schema.Name} attributes.");
                }

                foreach (var (name, inner) in extension)
                {
                    yield return (new PatchPath(AttributePath.Parse($"{schema.Id}:{name}"), null, null), inner?.DeepClone());
                }

                continue;
            }

            yield return (PatchPath.Parse(key), value?.DeepClone());
        }
    }

    /// <summary>The extension schema a path names as a whole, or null.</summary>
    private static SchemaDefinition? Extension(ResourceType type, string path) =>
        type.FindSchema(path) is { } schema && !ReferenceEquals(schema, type.Schema) ? schema : null;

    private static void ApplyOne(JsonObject resource, ResourceType type, PatchOperationType op, PatchPath path, JsonNode? value, List<MembershipChange> members)
    {
        var resolved = type.ResolveOrThrow(path.Attribute);
        var attribute = resolved.Attribute;
        var subName = path.Attribute.SubAttribute ?? path.SubAttribute;
        var sub = subName is null ? null : attribute.FindSubAttribute(subName)
            ?? throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"'{subName}' is not a sub-attribute of '{attribute.Name}'.");

        if (attribute.Mutability == Mutability.WriteOnly)
        {
            // The password: accepted, never kept (see docs/ARCHITECTURE.md).
            return;
        }

        if (attribute.Mutability == Mutability.ReadOnly || sub?.Mutability == Mutability.ReadOnly)
        {
            throw new ScimException(400, ScimErrorType.Mutability, $"'{path.Attribute}' is read-only and cannot be changed by PATCH.");
        }

        if (ReferenceEquals(type, CoreSchemas.GroupType) && attribute.Name == "members")
        {
            members.Add(MemberChange(op, path, sub, value));
            return;
        }

        var container = Container(resource, type, resolved, create: op != PatchOperationType.Remove);
        if (container is null)
        {
            return;
        }

        // Only a multi-valued attribute has primary values to keep single.
        var primariesBefore = attribute.MultiValued ? Primaries(container, attribute) : null;
        if (path.ValueFilter is not null)
        {
            ApplyFiltered(container, attribute, path.ValueFilter, sub, op, value);
        }
        else if (sub is not null)
        {
            ApplySubAttribute(container, attribute, sub, op, value);
        }
        else
        {
            ApplyAttribute(container, attribute, op, value);
        }

        if (attribute.MultiValued)
        {
            // RFC 7644 §3.5.2: a value made primary by this operation makes the earlier primary value non-primary.
            if (Primaries(container, attribute).Count > 1)
            {
                foreach (var item in ((JsonArray)container[attribute.Name]!).OfType<JsonObject>().Where(i => IsPrimary(i) && primariesBefore!.Contains(i.ToJsonString())))
                {
                    item["primary"] = false;
                }
            }

            Normalise(container, attribute);
        }

        if (!ReferenceEquals(container, resource) && container.Count == 0)
        {
            resource.Remove(resolved.Schema.Id);
        }

        SyncSchemas(resource, type);
    }

    private static void ApplyAttribute(JsonObject container, AttributeDefinition attribute, PatchOperationType op, JsonNode? value)
    {
        var name = attribute.Name;
        if (op == PatchOperationType.Remove)
        {
            // Entra ID removes multi-valued entries by sending the values to remove with a plain path.
            if (value is not null && attribute.MultiValued && container[name] is JsonArray existing)
            {
                var doomed = ResourceReader.ReadValue(attribute, value, name) as JsonArray ?? [];
                RemoveWhere(existing, item => doomed.Any(d => SameValue(d, item)));
                if (existing.Count == 0)
                {
                    container.Remove(name);
                }

                return;
            }

            container.Remove(name);
            return;
        }

        var read = ResourceReader.ReadValue(attribute, value, name);
        if (read is null)
        {
            // Replace with null or "" clears the attribute (Entra clears the manager this way); add of nothing is a no-op.
            if (op == PatchOperationType.Replace)
            {
                container.Remove(name);
            }

            return;
        }

        if (attribute.MultiValued && op == PatchOperationType.Add && container[name] is JsonArray current)
        {
            foreach (var item in ((JsonArray)read).ToList())
            {
                if (!current.Any(c => JsonNode.DeepEquals(c, item)))
                {
                    current.Add(item!.DeepClone());
                }
            }

            return;
        }

        if (!attribute.MultiValued && attribute.Type == AttributeType.Complex && container[name] is JsonObject target
            && !PointsElsewhere(target, (JsonObject)read))
        {
            // RFC 7644 §3.5.2.1 and §3.5.2.3: sub-attributes not named in the value are left unchanged.
            Merge(target, (JsonObject)read);
            return;
        }

        container[name] = read;
    }

    private static void ApplySubAttribute(JsonObject container, AttributeDefinition attribute, AttributeDefinition sub, PatchOperationType op, JsonNode? value)
    {
        var read = op == PatchOperationType.Remove ? null : ResourceReader.ReadValue(sub, value, $"{attribute.Name}.{sub.Name}");
        if (!attribute.MultiValued)
        {
            var parent = container[attribute.Name] as JsonObject;
            if (read is null)
            {
                parent?.Remove(sub.Name);
            }
            else
            {
                parent ??= [];
                parent[sub.Name] = read;
                container[attribute.Name] = parent;
            }

            if (parent is { Count: 0 })
            {
                container.Remove(attribute.Name);
            }

            return;
        }

        var items = container[attribute.Name] as JsonArray;
        if (items is null || items.Count == 0)
        {
            if (read is not null)
            {
                container[attribute.Name] = new JsonArray(new JsonObject { [sub.Name] = read });
            }

            return;
        }

        foreach (var item in items.OfType<JsonObject>())
        {
            SetOrRemove(item, sub.Name, read);
        }

    }

    private static void ApplyFiltered(JsonObject container, AttributeDefinition attribute, Filter filter, AttributeDefinition? sub, PatchOperationType op, JsonNode? value)
    {
        if (!attribute.MultiValued)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"'{attribute.Name}' is single-valued; a value filter needs a multi-valued attribute.");
        }

        var items = container[attribute.Name] as JsonArray ?? [];
        var matches = items.Where(item => item is not null && FilterEvaluator.MatchesValue(filter, item, attribute)).ToList();

        if (op == PatchOperationType.Remove)
        {
            if (sub is null)
            {
                RemoveWhere(items, item => matches.Contains(item));
            }
            else
            {
                foreach (var item in matches.OfType<JsonObject>())
                {
                    item.Remove(sub.Name);
                }

                RemoveWhere(items, item => item is JsonObject { Count: 0 });
            }

            return;
        }

        JsonNode? read = sub is null
            ? ResourceReader.ReadValue(attribute with { MultiValued = false }, value, attribute.Name)
            : ResourceReader.ReadValue(sub, value, $"{attribute.Name}.{sub.Name}");

        if (matches.Count == 0)
        {
            if (read is null)
            {
                return;
            }

            // Entra ID adds or replaces emails[type eq "work"].value on users that have no work email yet and expects
            // the element to be created (Microsoft's SCIM validator, "Patch User - Add Attributes").
            var created = ElementFromFilter(filter)
                ?? throw ScimException.BadRequest(ScimErrorType.NoTarget, $"No value of '{attribute.Name}' matches the filter of the path.");
            if (sub is null)
            {
                Merge(created, (JsonObject)read);
            }
            else
            {
                created[sub.Name] = read;
            }

            items.Add(created);
            container[attribute.Name] = items;
            return;
        }

        foreach (var item in matches.OfType<JsonObject>())
        {
            if (sub is not null)
            {
                SetOrRemove(item, sub.Name, read);
            }
            else if (read is JsonObject replacement)
            {
                Merge(item, replacement);
            }
        }

        RemoveWhere(items, item => item is JsonObject { Count: 0 });
    }

    private static MembershipChange MemberChange(PatchOperationType op, PatchPath path, AttributeDefinition? sub, JsonNode? value)
    {
        if (sub is not null)
        {
            throw new ScimException(400, ScimErrorType.Mutability, $"Members cannot be changed through '{path.Attribute}'; add or remove whole members.");
        }

        if (path.ValueFilter is not null)
        {
            if (op != PatchOperationType.Remove)
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidPath, "Add or replace members with the path 'members' and a list of members as value.");
            }

            return new MembershipChange(MembershipChangeKind.Remove, MemberIdsOf(path.ValueFilter));
        }

        var ids = MemberIds(value);
        return op switch
        {
            PatchOperationType.Add => new MembershipChange(MembershipChangeKind.Add, ids),
            PatchOperationType.Replace => new MembershipChange(MembershipChangeKind.ReplaceAll, ids),
            // Entra ID's default removal is "Remove" + path "members" + the members to remove as value
            // (MS-KI); without a value, every member goes (RFC 7644 §3.5.2.2).
            _ => value is null ? new MembershipChange(MembershipChangeKind.RemoveAll, []) : new MembershipChange(MembershipChangeKind.Remove, ids),
        };
    }

    /// <summary>Member ids from a list of <c>{"value": id}</c> (or bare ids, as some clients send).</summary>
    public static IReadOnlyList<string> MemberIds(JsonNode? value)
    {
        var items = value as JsonArray ?? (value is null ? [] : [value.DeepClone()]);
        var ids = new List<string>(items.Count);
        foreach (var item in items)
        {
            var id = item switch
            {
                JsonObject obj => ResourceReader.Find(obj, "value") is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                _ => null,
            };
            if (string.IsNullOrWhiteSpace(id))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"Each member needs a \"value\" holding the member's id; got {item?.ToJsonString() ?? "null"}.");
            }

            ids.Add(id);
        }

        return ids;
    }

    /// <summary><c>members[value eq "a"]</c>, or several joined by <c>or</c>, as Entra and Okta send them.</summary>
    private static string[] MemberIdsOf(Filter filter) => filter switch
    {
        ComparisonFilter { Operator: ComparisonOperator.Equal, Value: { } v } c
            when c.Path.Name.Equals("value", StringComparison.OrdinalIgnoreCase) && c.Path.SubAttribute is null && v.GetValueKind() == JsonValueKind.String
            => [v.GetValue<string>()],
        OrFilter or => [.. MemberIdsOf(or.Left), .. MemberIdsOf(or.Right)],
        _ => throw ScimException.BadRequest(ScimErrorType.InvalidFilter, "Members can be removed by filter only with 'value eq \"id\"' (optionally joined by 'or')."),
    };

    /// <summary>The element a filter like <c>type eq "work"</c> describes, or null when the filter is not such a description.</summary>
    private static JsonObject? ElementFromFilter(Filter filter)
    {
        switch (filter)
        {
            case ComparisonFilter { Operator: ComparisonOperator.Equal, Value: { } v } c when c.Path.SubAttribute is null:
                return new JsonObject { [c.Path.Name] = v.DeepClone() };
            case AndFilter and:
                var left = ElementFromFilter(and.Left);
                var right = ElementFromFilter(and.Right);
                if (left is null || right is null)
                {
                    return null;
                }

                Merge(left, right);
                return left;
            default:
                return null;
        }
    }

    private static JsonObject? Container(JsonObject resource, ResourceType type, ResolvedPath resolved, bool create)
    {
        if (resolved.IsCore(type))
        {
            return resource;
        }

        var key = resolved.Schema.Id;
        if (resource[key] is JsonObject extension)
        {
            return extension;
        }

        if (!create)
        {
            return null;
        }

        extension = [];
        resource[key] = extension;
        return extension;
    }

    /// <summary>
    /// Rewrites <c>schemas</c> from the extensions the resource holds: the core schema, the type's extensions in the
    /// type's order, then extensions the type does not know (another app's own, kept for it).
    /// </summary>
    public static void SyncSchemas(JsonObject resource, ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(type);
        var present = type.Extensions.Where(e => resource[e.Schema.Id] is JsonObject).Select(e => e.Schema.Id)
            .Concat(resource.Where(p => p.Value is JsonObject && p.Key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase) && type.FindSchema(p.Key) is null).Select(p => p.Key));
        resource.Remove("schemas");
        resource.Insert(0, "schemas", new JsonArray(present.Prepend(type.Schema.Id).Select(s => (JsonNode)JsonValue.Create(s)).ToArray()));
    }

    /// <summary>
    /// A new manager (another "value") replaces the old one whole: merging would keep the old manager's $ref and
    /// displayName next to the new id.
    /// </summary>
    private static bool PointsElsewhere(JsonObject target, JsonObject read) =>
        read["value"] is { } newValue && target["value"] is { } oldValue && !JsonNode.DeepEquals(newValue, oldValue);

    private static HashSet<string> Primaries(JsonObject container, AttributeDefinition attribute) =>
        (container[attribute.Name] as JsonArray ?? []).OfType<JsonObject>().Where(IsPrimary).Select(i => i.ToJsonString()).ToHashSet(StringComparer.Ordinal);

    private static bool IsPrimary(JsonObject item) => item["primary"] is JsonValue p && p.GetValueKind() == JsonValueKind.True;

    private static void Normalise(JsonObject container, AttributeDefinition attribute)
    {
        var normalised = ResourceReader.ReadValue(attribute, container[attribute.Name]?.DeepClone(), attribute.Name);
        if (normalised is null)
        {
            container.Remove(attribute.Name);
        }
        else
        {
            container[attribute.Name] = normalised;
        }
    }

    private static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source.ToList())
        {
            target[key] = value?.DeepClone();
        }
    }

    private static void SetOrRemove(JsonObject item, string name, JsonNode? value)
    {
        if (value is null)
        {
            item.Remove(name);
        }
        else
        {
            item[name] = value.DeepClone();
        }
    }

    private static void RemoveWhere(JsonArray items, Func<JsonNode?, bool> predicate)
    {
        for (var i = items.Count - 1; i >= 0; i--)
        {
            if (predicate(items[i]))
            {
                items.RemoveAt(i);
            }
        }
    }

    /// <summary>Two values of a multi-valued attribute are the same when their "value" (or they themselves) are equal.</summary>
    private static bool SameValue(JsonNode? a, JsonNode? b)
    {
        if (a is JsonObject oa && b is JsonObject ob && oa["value"] is { } va && ob["value"] is { } vb)
        {
            return JsonNode.DeepEquals(va, vb);
        }

        return JsonNode.DeepEquals(a, b);
    }
}
