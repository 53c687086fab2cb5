using System.Net;
using System.Text;
using Gateway.Credentials;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Credentials;

public sealed class ConnectAccessGuardTests
{
    private const string AdminKey = "admin-key-SECRET-77";

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("10.0.0.5", false)]
    [InlineData(null, false)]
    public void Loopback_AllowsOnlyTheGatewaysOwnMachine(string? remote, bool allowed)
    {
        var context = Context(remote);

        var denied = Guard(ConnectAccess.Loopback).Check(context, stateChanging: false);

        Assert.Equal(allowed, denied is null);
    }

    [Theory]
    [InlineData("operator:" + AdminKey, true)]
    [InlineData(":" + AdminKey, true)]
    [InlineData("operator:wrong", false)]
    [InlineData("operator", false)]
    [InlineData(null, false)]
    public void AdminKey_NeedsTheKeyAsTheBasicPassword(string? credentials, bool allowed)
    {
        var context = Context("10.0.0.5");
        if (credentials is not null)
        {
            context.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));
        }

        var denied = Guard(ConnectAccess.AdminKey).Check(context, stateChanging: false);

        Assert.Equal(allowed, denied is null);
        if (!allowed)
        {
            Assert.StartsWith("Basic realm=", context.Response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AdminKey_MalformedBasicHeader_IsRefusedNotThrown()
    {
        var context = Context("10.0.0.5");
        context.Request.Headers.Authorization = "Basic %%%not-base64";

        Assert.NotNull(Guard(ConnectAccess.AdminKey).Check(context, stateChanging: false));
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("same-origin", "http://gateway.test", true)]
    [InlineData("none", null, true)]
    [InlineData("cross-site", "https://evil.example", false)]
    [InlineData(null, "https://evil.example", false)]
    [InlineData("same-site", null, false)]
    public void StateChangingRequests_FromAnotherSite_AreRefused(string? fetchSite, string? origin, bool allowed)
    {
        var context = Context("127.0.0.1");
        context.Request.Host = new HostString("gateway.test");
        if (fetchSite is not null)
        {
            context.Request.Headers["Sec-Fetch-Site"] = fetchSite;
        }

        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        var denied = Guard(ConnectAccess.Loopback).Check(context, stateChanging: true);

        Assert.Equal(allowed, denied is null);
    }

    private static DefaultHttpContext Context(string? remote)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = remote is null ? null : IPAddress.Parse(remote);
        return context;
    }

    private static ConnectAccessGuard Guard(ConnectAccess access)
    {
        var options = new UpstreamCredentialOptions { Mode = UpstreamCredentialMode.ServiceAccount, ClientId = "x" };
        options.Connect.Access = access;
        options.Connect.AdminKeySha256.Add(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(AdminKey))));
        return new ConnectAccessGuard(Options.Create(options), NullLogger<ConnectAccessGuard>.Instance);
    }
}
