using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScimHub.Provisioning.Apps;

/// <summary>What a DELETE of a user does when the app may delete users.</summary>
[JsonConverter(typeof(UserDeleteActionJson))]
public enum UserDeleteAction
{
    /// <summary>The user is deleted (and leaves its groups).</summary>
    Delete,

    /// <summary>
    /// The user is kept with <c>active: false</c> and its groups: a DELETE from a provider can be undone, and the
    /// person stays visible in the directory (Okta and Entra deprovision by deactivating; this gives the same to
    /// providers that delete).
    /// </summary>
    Deactivate,
}

/// <summary>"delete" and "deactivate" in JSON (read in any case); numbers are refused.</summary>
internal sealed class UserDeleteActionJson() : JsonStringEnumConverter<UserDeleteAction>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
