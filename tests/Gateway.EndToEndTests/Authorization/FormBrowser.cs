using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.EndToEndTests.Authorization;

/// <summary>
/// A cookie-keeping HTTP client that walks an authorization flow the way a browser without script
/// would: follows redirects, and answers the gateway's consent form. It records every response it
/// saw, for the secret scans. (The browser tests drive the same pages in real Chromium.)
/// </summary>
internal sealed partial class FormBrowser : IDisposable
{
    private readonly HttpClient _http;

    public FormBrowser()
    {
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });
    }

    /// <summary>Every response: status line, headers and body, as text.</summary>
    public StringBuilder Seen { get; } = new();

    /// <summary>Follows redirects from <paramref name="start"/> until a page, or a URL starting with <paramref name="stopAt"/>.</summary>
    public async Task<(Uri Url, HttpStatusCode Status, string Body)> FollowAsync(Uri start, string stopAt, CancellationToken cancellationToken, HttpContent? post = null)
    {
        var url = start;
        var method = post is null ? HttpMethod.Get : HttpMethod.Post;
        for (var hop = 0; hop < 20; hop++)
        {
            if (url.AbsoluteUri.StartsWith(stopAt, StringComparison.Ordinal))
            {
                return (url, HttpStatusCode.Redirect, "");
            }

            using var request = new HttpRequestMessage(method, url) { Content = post };
            using var response = await _http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Seen.Append(response.StatusCode).Append('\n').Append(response.Headers).Append(response.Content.Headers).Append(body).Append('\n');
            if (response.Headers.Location is not { } location)
            {
                return (url, response.StatusCode, body);
            }

            url = location.IsAbsoluteUri ? location : new Uri(url, location);
            method = HttpMethod.Get;
            post = null;
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    /// <summary>Submits the consent form on <paramref name="page"/> with the given decision.</summary>
    public Task<(Uri Url, HttpStatusCode Status, string Body)> AnswerConsentAsync(Uri pageUrl, string page, string decision, string stopAt, CancellationToken cancellationToken)
    {
        var fields = HiddenInput().Matches(page).Select(m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups["name"].Value), WebUtility.HtmlDecode(m.Groups["value"].Value))).ToList();
        fields.Add(KeyValuePair.Create("decision", decision));
        var action = FormAction().Match(page).Groups["action"].Value;
        return FollowAsync(new Uri(pageUrl, action), stopAt, cancellationToken, new FormUrlEncodedContent(fields));
    }

    public static string? Query(Uri url, string name) => QueryHelpers.ParseQuery(url.Query).TryGetValue(name, out var value) ? value.ToString() : null;

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]*)" value="(?<value>[^"]*)">""")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("""<form method="post" action="(?<action>[^"]*)""")]
    private static partial Regex FormAction();
}
