using System.Net;
using System.Text.Json;
using Gateway.Testing;

namespace Gateway.EndToEndTests.Authorization;

/// <summary>
/// Two replicas on one real PostgreSQL share the authorization server's clients and keys: a token one
/// issues is accepted by the other, and a gateway on another database refuses it.
/// </summary>
public sealed class ReplicaTokenTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokenIssuedByOneReplica_IsAcceptedByTheOther_AndRefusedByAGatewayWithOtherKeys()
    {
        var postgres = await PostgresServer.SharedAsync(Cancellation);
        var shared = await postgres.CreateDatabaseAsync(cancellationToken: Cancellation);
        var other = await postgres.CreateDatabaseAsync(cancellationToken: Cancellation);
        // One public URL for every replica, as behind a load balancer.
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:State:Provider"] = "PostgreSql",
            ["Gateway:State:ConnectionString"] = shared,
            ["Gateway:Authorization:PublicBaseUrl"] = "http://127.0.0.1:1",
        };
        await using var sandbox = await AuthorizationSandbox.StartAsync(settings: settings);
        await sandbox.ConnectServiceAccountAsync(Cancellation);
        using var replica = sandbox.CreateReplica();
        using var stranger = sandbox.CreateReplica(new Dictionary<string, string?> { ["Gateway:State:ConnectionString"] = other });

        using var first = new HttpClient { BaseAddress = sandbox.BaseAddress };
        using var token = await first.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = AuthorizationSandbox.MachineClientId,
            ["client_secret"] = AuthorizationSandbox.MachineClientSecret,
            ["scope"] = "mcp",
        }), Cancellation);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        using var tokens = JsonDocument.Parse(await token.Content.ReadAsStringAsync(Cancellation));
        var accessToken = tokens.RootElement.GetProperty("access_token").GetString()!;

        using var onReplica = await CallAsync(replica, accessToken);
        using var onStranger = await CallAsync(stranger, accessToken);

        var body = await onReplica.Content.ReadAsStringAsync(Cancellation);
        Assert.True(onReplica.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("sandbox.user@example.com", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, onStranger.StatusCode);
    }

    private static async Task<HttpResponseMessage> CallAsync(GatewayFactory gateway, string accessToken)
    {
        using var http = new HttpClient { BaseAddress = gateway.KestrelAddress };
        using var request = AuthorizationServerTests.McpRequest(accessToken);
        return await http.SendAsync(request, Cancellation);
    }
}
