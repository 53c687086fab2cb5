using System.Text;
using System.Text.Json;
using Gateway.Audit;

namespace Gateway.UnitTests.Audit;

public sealed class ArgumentRedactorTests
{
    private static readonly ArgumentRedactor s_redactor = new(new Gateway.Audit.AuditOptions().RedactedArgumentNames, 8192);

    [Fact]
    public void Redact_SecretNamesAtAnyDepth_AreReplaced()
    {
        var result = Redact("""
            {"query":"SELECT Id FROM Account",
             "connection":{"user":"alice","password":"p1","nested":[{"apiKey":"k1"},{"safe":"v"}]},
             "headers":{"Authorization":"Basic xyz","X-Request":"ok"},
             "token":{"kind":"object-valued","value":"t1"}}
            """);

        Assert.Equal("SELECT Id FROM Account", result.GetProperty("query").GetString());
        Assert.Equal("alice", result.GetProperty("connection").GetProperty("user").GetString());
        Assert.Equal("[REDACTED]", result.GetProperty("connection").GetProperty("password").GetString());
        Assert.Equal("[REDACTED]", result.GetProperty("connection").GetProperty("nested")[0].GetProperty("apiKey").GetString());
        Assert.Equal("v", result.GetProperty("connection").GetProperty("nested")[1].GetProperty("safe").GetString());
        Assert.Equal("[REDACTED]", result.GetProperty("headers").GetProperty("Authorization").GetString());
        Assert.Equal("ok", result.GetProperty("headers").GetProperty("X-Request").GetString());
        Assert.Equal("[REDACTED]", result.GetProperty("token").GetString());
    }

    [Theory]
    [InlineData("PASSWORD")]
    [InlineData("Password")]
    [InlineData("api_key")]
    [InlineData("API-KEY")]
    [InlineData("x-api-key")]
    [InlineData("clientSecret")]
    [InlineData("Client_Secret")]
    [InlineData("refreshToken")]
    [InlineData("salesforce_access_token")]
    [InlineData("userPassword")]
    [InlineData("sessionId")]
    [InlineData("Cookie")]
    public void IsRedactedName_CaseAndSeparatorInsensitiveSuffix_Matches(string name)
    {
        Assert.True(s_redactor.IsRedactedName(name));
    }

    [Theory]
    [InlineData("q")]
    [InlineData("max_tokens")]
    [InlineData("tokenizer")]
    [InlineData("secretary")]
    [InlineData("passwordPolicyName")]
    [InlineData("sobject")]
    public void IsRedactedName_OtherNames_DoNotMatch(string name)
    {
        Assert.False(s_redactor.IsRedactedName(name));
    }

    [Fact]
    public void Redact_CustomNames_AreHonoured()
    {
        var redactor = new ArgumentRedactor(["ssn"], 8192);

        var result = redactor.Redact(Parse("""{"customer":{"SSN":"123-45-6789","name":"Bo"},"password":"kept-by-custom-list"}"""));

        Assert.Equal("[REDACTED]", result.GetProperty("customer").GetProperty("SSN").GetString());
        Assert.Equal("kept-by-custom-list", result.GetProperty("password").GetString());
    }

    [Theory]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abcdefghijklmnop")]
    [InlineData("Bearer abcdefghijklmnopqrstuvwxyz012345")]
    [InlineData("00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog.39AsX.LVpxezPwuX5VAIrrbbHMuol7GQ")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----")]
    public void Redact_CredentialShapedValueUnderInnocentName_IsScrubbed(string secret)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["note"] = $"see {secret} here" }, ArgumentRedactorTestsJson.Default.DictionaryStringString);

        var result = Redact(json);

        Assert.Equal("see [REDACTED] here", result.GetProperty("note").GetString());
    }

    [Theory]
    [InlineData("sf://records/001?access_token=abc123XYZ&limit=5", "sf://records/001?access_token=[REDACTED]&limit=5")]
    [InlineData("https://h/p?API_KEY=k-1#frag", "https://h/p?API_KEY=[REDACTED]#frag")]
    [InlineData("user=bo password=hunter2 done", "user=bo password=[REDACTED] done")]
    [InlineData("blob?sv=2024&sig=AbC%2Fd", "blob?sv=2024&sig=[REDACTED]")]
    [InlineData("pagetoken=keep&max_tokens=5", "pagetoken=keep&max_tokens=5")]
    public void ScrubText_CredentialQueryParameters_KeepNameRedactValue(string text, string expected)
    {
        Assert.Equal(expected, ArgumentRedactor.ScrubText(text));
    }

    [Theory]
    [InlineData("Basic authentication is not enabled")]
    [InlineData("bearer of bad news")]
    [InlineData("Account 001xx000003DGb2AAG")]
    public void ScrubText_OrdinaryText_IsKept(string text)
    {
        Assert.Equal(text, ArgumentRedactor.ScrubText(text));
    }

    [Fact]
    public void Redact_HugeArguments_AreCappedStructurallyAndStayValidJson()
    {
        var items = string.Join(",", Enumerable.Range(0, 5000).Select(static i => $"{{\"id\":{i},\"name\":\"item-{i}\"}}"));
        var json = $"{{\"first\":\"a\",\"items\":[{items}],\"after\":{{\"x\":1}},\"last\":\"z\"}}";
        var redactor = new ArgumentRedactor(["password"], 2048);

        var result = redactor.Redact(Parse(json));
        var text = result.GetRawText();

        Assert.True(Encoding.UTF8.GetByteCount(text) < 2048 + ArgumentRedactor.MaxStringChars + 256, $"{text.Length} bytes");
        Assert.Contains("[TRUNCATED]", text, StringComparison.Ordinal);
        Assert.Equal("a", result.GetProperty("first").GetString());
        var array = result.GetProperty("items");
        Assert.Equal("[TRUNCATED]", array[array.GetArrayLength() - 1].GetString());
        // The members after the cut are counted, not written.
        Assert.Equal(2, result.GetProperty("[TRUNCATED]").GetInt32());
        Assert.False(result.TryGetProperty("last", out _));
    }

    [Fact]
    public void Redact_LongString_IsCutWithMarker()
    {
        var result = Redact($"{{\"body\":\"{new string('a', 5000)}\"}}");

        var body = result.GetProperty("body").GetString()!;
        Assert.Equal(ArgumentRedactor.MaxStringChars, body.Length);
        Assert.EndsWith("…[TRUNCATED]", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_SecretInLongStringBeyondCut_IsScrubbedBeforeCutting()
    {
        // A secret straddling the cut would leave its first half behind if the string were cut first.
        var jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abcdefghijklmnop";
        var value = new string('a', ArgumentRedactor.MaxStringChars - 30) + jwt;

        var result = Redact($"{{\"note\":\"{value}\"}}").GetProperty("note").GetString()!;

        Assert.DoesNotContain("eyJhbGciOiJIUzI1", result, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_DeepNesting_IsCutAtMaxDepth()
    {
        var json = string.Concat(Enumerable.Repeat("{\"a\":", 60)) + "1" + new string('}', 60);

        var text = Redact(json).GetRawText();

        Assert.Contains("[TRUNCATED]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_InvalidJson_IsMarkedUnparseable()
    {
        Assert.Equal("[UNPARSEABLE]", s_redactor.Redact("{\"password\":"u8).GetString());
    }

    [Fact]
    public void RedactArgumentsFromBody_NoArguments_ReturnsNull()
    {
        Assert.Null(s_redactor.RedactArgumentsFromBody("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}"""u8.ToArray(), 0));
        Assert.Null(s_redactor.RedactArgumentsFromBody("""[{"jsonrpc":"2.0","method":"ping"}]"""u8.ToArray(), 3));
        Assert.Null(s_redactor.RedactArgumentsFromBody("not json"u8.ToArray(), 0));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("ApiKey", "apikey")]
    [InlineData("client_secret", "clientsecret")]
    [InlineData("X-Api.Key Name", "xapikeyname")]
    public void Normalize_DropsCaseAndSeparators(string name, string expected)
    {
        Assert.Equal(expected, ArgumentRedactor.Normalize(name));
    }

    private static JsonElement Redact(string json) => s_redactor.Redact(Parse(json));

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ArgumentRedactorTestsJson : System.Text.Json.Serialization.JsonSerializerContext;
