using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ScimHub.Server.Admin;

/// <summary>The OpenAPI document's title and its one way in: an admin key as a bearer token.</summary>
internal sealed class AdminApiDocument : IOpenApiDocumentTransformer
{
    private const string Scheme = "AdminKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "ScimHub admin API",
            Version = "v1",
            Description = "Provisioning apps, their features and tokens, and the Provisioning Report. Every call needs an admin key: scimhub admin keys create --name <who>.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [Scheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An admin API key (scimhub_admin_…)." },
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, document)] = [] }];
        return Task.CompletedTask;
    }
}
