using System.Text;
using System.Text.Encodings.Web;

namespace Gateway.Authorization;

/// <summary>The authorization server's pages: plain HTML, no script, never cached, never framed.</summary>
internal static class Pages
{
    public const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
        h1 { font-size: 1.5rem; } dt { font-weight: 600; } dd { margin: 0 0 .75rem 0; }
        .actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
        button { font: inherit; padding: .6rem 1.4rem; border-radius: .4rem; border: 1px solid #444; cursor: pointer; }
        button.primary { background: #0b5cad; border-color: #0b5cad; color: #fff; }
        button:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
        """;

    public static IResult Message(HttpContext context, int status, string title, string message)
    {
        Secure(context, formAction: null);
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{Encode(title)} · MCP gateway</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"><style>{Style}</style></head>
            <body><main><h1>{Encode(title)}</h1><p>{Encode(message)}</p></main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>
    /// Headers of every page: no caching (they follow code exchanges and carry CSRF tokens), no framing
    /// (clickjacking on consent; MCP security best practices), no script, no referrer.
    /// </summary>
    public static void Secure(HttpContext context, string? formAction)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        // form-action also governs where the answer's redirect may go (the client's redirect URI).
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'; form-action "
            + (formAction ?? "'none'");
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
    }

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");
}
