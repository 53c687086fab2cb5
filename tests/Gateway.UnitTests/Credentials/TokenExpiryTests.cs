using Gateway.Credentials;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.UnitTests.Credentials;

public sealed class TokenExpiryTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly UpstreamCredentialOptions s_options = new() { FallbackLifetime = TimeSpan.FromMinutes(30) };

    [Fact]
    public async Task ExpiresIn_WinsWhenPresent_CountedFromIssuedAt()
    {
        var tokens = new SalesforceTokens(TokenOutcome.Succeeded) { AccessToken = Jwt(s_now.AddHours(5)), ExpiresIn = TimeSpan.FromSeconds(7200), IssuedAt = s_now.AddMinutes(-1) };

        var (expiresAt, source) = await Resolve(tokens);

        Assert.Equal(s_now.AddMinutes(-1).AddSeconds(7200), expiresAt);
        Assert.Equal(TokenExpiry.FromExpiresIn, source);
    }

    [Fact]
    public async Task NoExpiresIn_TheJwtExpIsTheExpiry()
    {
        var tokens = new SalesforceTokens(TokenOutcome.Succeeded) { AccessToken = Jwt(s_now.AddMinutes(90)) };

        var (expiresAt, source) = await Resolve(tokens);

        Assert.Equal(s_now.AddMinutes(90), expiresAt);
        Assert.Equal(TokenExpiry.FromJwt, source);
    }

    [Fact]
    public async Task OpaqueToken_WithoutIntrospection_UsesTheFallbackLifetime_NeverForever()
    {
        var tokens = new SalesforceTokens(TokenOutcome.Succeeded) { AccessToken = "00Dxx0000000001!AQ4AQOpaque", IssuedAt = s_now.AddMinutes(-2) };

        var (expiresAt, source) = await Resolve(tokens);

        Assert.Equal(s_now.AddMinutes(28), expiresAt);
        Assert.Equal(TokenExpiry.FromFallback, source);
    }

    [Fact]
    public async Task OpaqueToken_WithIntrospection_UsesItsExp()
    {
        var options = new UpstreamCredentialOptions { UseIntrospection = true };
        var tokens = new SalesforceTokens(TokenOutcome.Succeeded) { AccessToken = "00Dxx0000000001!AQ4AQOpaque" };

        var (expiresAt, source) = await TokenExpiry.ResolveAsync(tokens, s_now, options, (_, _) => Task.FromResult<DateTimeOffset?>(s_now.AddMinutes(42)), TestContext.Current.CancellationToken);

        Assert.Equal(s_now.AddMinutes(42), expiresAt);
        Assert.Equal(TokenExpiry.FromIntrospection, source);
    }

    [Fact]
    public async Task IssuedAtInTheFuture_IsNotTrusted()
    {
        var tokens = new SalesforceTokens(TokenOutcome.Succeeded) { AccessToken = "opaque", IssuedAt = s_now.AddDays(1) };

        var (expiresAt, _) = await Resolve(tokens);

        Assert.Equal(s_now.AddMinutes(30), expiresAt);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.")]
    public void ReadJwtExpiry_MalformedOrWithoutExp_IsNull(string token)
    {
        Assert.Null(TokenExpiry.ReadJwtExpiry(token));
    }

    [Theory]
    [InlineData("https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA", "00D000000000001AAA", "005000000000001AAA")]
    [InlineData("https://test.salesforce.com/id/00D000000000001/005000000000001", "00D000000000001", "005000000000001")]
    [InlineData("https://login.salesforce.com/id/00D000000000001AAA", null, null)]
    [InlineData("https://login.salesforce.com/id/<script>/005000000000001AAA", null, null)]
    [InlineData("not a url", null, null)]
    [InlineData(null, null, null)]
    public void SalesforceIdentity_ReadsOrgAndUser_OnlyWhenTheyAreIds(string? url, string? org, string? user)
    {
        Assert.Equal((org, user), SalesforceIdentity.Parse(url));
    }

    private static ValueTask<(DateTimeOffset, string)> Resolve(SalesforceTokens tokens) =>
        TokenExpiry.ResolveAsync(tokens, s_now, s_options, static (_, _) => throw new InvalidOperationException("introspection is off"), TestContext.Current.CancellationToken);

    private static string Jwt(DateTimeOffset expires) => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
    {
        Expires = expires.UtcDateTime,
        Claims = new Dictionary<string, object> { ["sub"] = "005000000000001AAA" },
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.HmacSha256),
    });
}
