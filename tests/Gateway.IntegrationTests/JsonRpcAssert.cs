using System.Net;
using System.Text.Json;

namespace Gateway.IntegrationTests;

internal static class JsonRpcAssert
{
    /// <summary>Asserts the status and a JSON-RPC error body; returns the error object for further checks.</summary>
    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, int code, string? reason = null, string? idJson = null)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        Assert.Equal("2.0", root.GetProperty("jsonrpc").GetString());
        Assert.Equal(idJson ?? "null", root.GetProperty("id").GetRawText());
        var error = root.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        if (reason is not null)
        {
            Assert.Equal(reason, error.GetProperty("data").GetProperty("reason").GetString());
        }

        return error.Clone();
    }
}
