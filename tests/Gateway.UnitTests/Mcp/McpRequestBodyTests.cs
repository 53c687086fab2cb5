using System.Text;
using Gateway.Mcp;
using Microsoft.AspNetCore.Http;

namespace Gateway.UnitTests.Mcp;

public sealed class McpRequestBodyTests
{
    private const int MaxBytes = 1024;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_BodyWithinLimit_ReturnsItAndPutsItBack(bool declareLength)
    {
        var bytes = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
        var context = Context(bytes, declareLength ? bytes.Length : null);

        var (body, rejection) = await McpRequestBody.ReadAsync(context, MaxBytes);

        Assert.Null(rejection);
        Assert.Equal(bytes, body.ToArray());
        Assert.Equal(bytes.Length, context.Request.ContentLength);
        Assert.False(context.Request.Headers.ContainsKey("Transfer-Encoding"));
        var replayed = new MemoryStream();
        await context.Request.Body.CopyToAsync(replayed, TestContext.Current.CancellationToken);
        Assert.Equal(bytes, replayed.ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_BodyExactlyAtLimit_IsAccepted(bool declareLength)
    {
        var bytes = new byte[MaxBytes];
        var context = Context(bytes, declareLength ? bytes.Length : null);

        var (body, rejection) = await McpRequestBody.ReadAsync(context, MaxBytes);

        Assert.Null(rejection);
        Assert.Equal(MaxBytes, body.Length);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_BodyOneByteOverLimit_Returns413(bool declareLength)
    {
        var bytes = new byte[MaxBytes + 1];
        var context = Context(bytes, declareLength ? bytes.Length : null);

        var (_, rejection) = await McpRequestBody.ReadAsync(context, MaxBytes);

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, rejection.StatusCode);
        Assert.Equal("body_too_large", rejection.Reason);
        Assert.Contains("Gateway:Mcp:MaxRequestBodyBytes", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_BodyShorterThanContentLength_ReturnsParseError()
    {
        var context = Context(new byte[10], declaredLength: 20);

        var (_, rejection) = await McpRequestBody.ReadAsync(context, MaxBytes);

        Assert.NotNull(rejection);
        Assert.Equal(JsonRpcErrorCodes.ParseError, rejection.Code);
    }

    [Fact]
    public async Task ReadAsync_EmptyBody_ReturnsEmpty()
    {
        var context = Context([], declaredLength: 0);

        var (body, rejection) = await McpRequestBody.ReadAsync(context, MaxBytes);

        Assert.Null(rejection);
        Assert.True(body.IsEmpty);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_KestrelRefusesTheBodyAsTooLarge_Returns413(bool declareLength)
    {
        var context = Context([], declareLength ? 100 : null);
        context.Request.Body = new ThrowingStream(new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge));

        var (_, rejection) = await McpRequestBody.ReadAsync(context, MaxBytes);

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, rejection.StatusCode);
        Assert.Equal("body_too_large", rejection.Reason);
    }

    [Fact]
    public async Task ReadAsync_KestrelRefusesTheBodyAsMalformed_Returns400WithoutExceptionText()
    {
        var context = Context([], declaredLength: null);
        context.Request.Body = new ThrowingStream(new BadHttpRequestException("Bad chunk size data at offset 17.", StatusCodes.Status400BadRequest));

        var (_, rejection) = await McpRequestBody.ReadAsync(context, MaxBytes);

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status400BadRequest, rejection.StatusCode);
        Assert.Equal("request_body_failed", rejection.Reason);
        Assert.DoesNotContain("offset", rejection.Message, StringComparison.Ordinal);
    }

    private static DefaultHttpContext Context(byte[] bytes, long? declaredLength)
    {
        var context = new DefaultHttpContext { RequestAborted = TestContext.Current.CancellationToken };
        context.Request.Method = HttpMethods.Post;
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = declaredLength;
        if (declaredLength is null)
        {
            context.Request.Headers.TransferEncoding = "chunked";
        }

        return context;
    }

    private sealed class ThrowingStream(Exception exception) : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(exception);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromException<int>(exception);
    }
}
