using Microsoft.Playwright;

namespace Gateway.EndToEndTests.Authorization;

/// <summary>
/// Real headless Chromium through Playwright: Debian's <c>chromium</c> package (installed by <c>.ci/run</c>),
/// or the binary <c>GATEWAY_TEST_CHROMIUM</c> names. Playwright never downloads a browser here.
/// Each test opens its own context, so users' cookies never mix.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("GATEWAY_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"No Chromium at {ExecutablePath}: install Debian's 'chromium' package (.ci/run does), or set GATEWAY_TEST_CHROMIUM to a Chromium binary.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // CI runs as root, where Chromium's own sandbox cannot start; the pages are the tests' own.
            ChromiumSandbox = false,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
