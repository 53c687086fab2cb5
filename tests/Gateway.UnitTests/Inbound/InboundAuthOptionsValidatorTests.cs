using Gateway.Inbound;

namespace Gateway.UnitTests.Inbound;

public sealed class InboundAuthOptionsValidatorTests
{
    private static readonly string s_hash = InboundAuthenticatorTests.Sha256Hex("key");

    [Fact]
    public void Validate_ApiKeysAndBearerTokens_Succeeds()
    {
        var result = Validate(Valid());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_UppercaseHashAndCustomHeader_Succeeds()
    {
        var options = Valid();
        options.ApiKeys[0].Sha256 = s_hash.ToUpperInvariant();
        options.ApiKeyHeader = "X_Gateway-Key2";

        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Validate_NoCredentialsButAllowAnonymous_Succeeds()
    {
        Assert.True(Validate(new InboundAuthOptions { AllowAnonymous = true }).Succeeded);
    }

    [Fact]
    public void Validate_OnlyBearerTokens_Succeeds()
    {
        Assert.True(Validate(new InboundAuthOptions { BearerTokens = [new() { Id = "ci.bot_1-a", Sha256 = s_hash }] }).Succeeded);
    }

    public static TheoryData<string, string> InvalidCases => new()
    {
        // case, key the message must name
        { "no credentials", "Gateway:Inbound:ApiKeys" },
        { "header empty", "Gateway:Inbound:ApiKeyHeader" },
        { "header with space", "Gateway:Inbound:ApiKeyHeader" },
        { "header with colon", "Gateway:Inbound:ApiKeyHeader" },
        { "header Authorization", "Gateway:Inbound:ApiKeyHeader" },
        { "header cookie", "Gateway:Inbound:ApiKeyHeader" },
        { "api key id empty", "Gateway:Inbound:ApiKeys:0:Id" },
        { "api key id with space", "Gateway:Inbound:ApiKeys:0:Id" },
        { "api key id with newline", "Gateway:Inbound:ApiKeys:0:Id" },
        { "api key sha short", "Gateway:Inbound:ApiKeys:0:Sha256" },
        { "api key sha not hex", "Gateway:Inbound:ApiKeys:0:Sha256" },
        { "api key sha empty", "Gateway:Inbound:ApiKeys:0:Sha256" },
        { "second api key sha", "Gateway:Inbound:ApiKeys:1:Sha256" },
        { "duplicate api key id", "Gateway:Inbound:ApiKeys:1:Id" },
        { "bearer id empty", "Gateway:Inbound:BearerTokens:0:Id" },
        { "bearer sha long", "Gateway:Inbound:BearerTokens:0:Sha256" },
        { "bearer id duplicates api key id", "Gateway:Inbound:BearerTokens:0:Id" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Validate_InvalidKey_FailsNamingTheKey(string @case, string key)
    {
        var options = Valid();
        switch (@case)
        {
            case "no credentials": options = new InboundAuthOptions(); break;
            case "header empty": options.ApiKeyHeader = ""; break;
            case "header with space": options.ApiKeyHeader = "x api key"; break;
            case "header with colon": options.ApiKeyHeader = "x-api-key:"; break;
            case "header Authorization": options.ApiKeyHeader = "authorization"; break;
            case "header cookie": options.ApiKeyHeader = "Cookie"; break;
            case "api key id empty": options.ApiKeys[0].Id = ""; break;
            case "api key id with space": options.ApiKeys[0].Id = "alice smith"; break;
            case "api key id with newline": options.ApiKeys[0].Id = "alice\nbob"; break;
            case "api key sha short": options.ApiKeys[0].Sha256 = s_hash[..63]; break;
            case "api key sha not hex": options.ApiKeys[0].Sha256 = string.Concat(s_hash.AsSpan(0, 63), "g"); break;
            case "api key sha empty": options.ApiKeys[0].Sha256 = ""; break;
            case "second api key sha": options.ApiKeys.Add(new() { Id = "carol", Sha256 = "plain-text-key" }); break;
            case "duplicate api key id": options.ApiKeys.Add(new() { Id = "alice", Sha256 = s_hash }); break;
            case "bearer id empty": options.BearerTokens[0].Id = " "; break;
            case "bearer sha long": options.BearerTokens[0].Sha256 = s_hash + "0"; break;
            case "bearer id duplicates api key id": options.BearerTokens[0].Id = "alice"; break;
            default: throw new ArgumentOutOfRangeException(nameof(@case));
        }

        var result = Validate(options);

        Assert.True(result.Failed, @case);
        Assert.Contains(result.Failures, f => f.Contains(key + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RawKeyPastedAsHash_DoesNotEchoIt()
    {
        var options = Valid();
        options.ApiKeys[0].Sha256 = "sk-live-this-is-a-raw-secret";

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.DoesNotContain("sk-live-this-is-a-raw-secret", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralErrors_ReportsEach()
    {
        var options = Valid();
        options.ApiKeyHeader = "";
        options.ApiKeys[0].Sha256 = "";
        options.BearerTokens[0].Id = "";

        var result = Validate(options);

        Assert.Equal(3, result.Failures!.Count());
    }

    private static InboundAuthOptions Valid() => new()
    {
        ApiKeys = [new() { Id = "alice", Sha256 = s_hash }],
        BearerTokens = [new() { Id = "bob", Sha256 = s_hash }],
    };

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(InboundAuthOptions options) =>
        new InboundAuthOptionsValidator().Validate(null, options);
}
