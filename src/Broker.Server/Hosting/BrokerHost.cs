using System.Net;
using Broker.Core.Errors;
using Broker.Core.Threading;
using Broker.Server.Network;
using Broker.Server.Handlers;
using Broker.Server.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Broker.Server.Hosting;

/// <summary>
/// Builds and runs the broker process: configuration, Kestrel listeners (the native protocol on a connection
/// handler, HTTP for /health and /metrics), the <see cref="BrokerRuntime"/>. The same code runs the executable and
/// the in-process brokers of the tests.
/// </summary>
public sealed class BrokerHost : IAsyncDisposable
{
    /// <summary>Command-line switches and the configuration keys they set.</summary>
    private static readonly Dictionary<string, string> Switches = new()
    {
        ["--data-dir"] = nameof(BrokerOptions.DataDir),
        ["--node-id"] = nameof(BrokerOptions.NodeId),
        ["--listen"] = nameof(BrokerOptions.Listen),
        ["--http-listen"] = nameof(BrokerOptions.HttpListen),
        ["--advertised-host"] = nameof(BrokerOptions.AdvertisedHost),
        ["--config"] = "Config",
    };

    public const string DefaultConfigPath = "config/broker.json";

    public const string EnvironmentPrefix = "BROKER_";

    /// <summary>The runtime's switch for running socket completions on its event threads.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private readonly WebApplication _app;
    private readonly ListenOptions _clientListener;
    private readonly ListenOptions? _httpListener;

    private BrokerHost(WebApplication app, ListenOptions clientListener, ListenOptions? httpListener)
    {
        _app = app;
        _clientListener = clientListener;
        _httpListener = httpListener;
    }

    /// <summary>The bound client endpoint (the real port when configured with port 0). Valid once started.</summary>
    public IPEndPoint ClientEndPoint => _clientListener.IPEndPoint ?? throw new InvalidOperationException("Not bound.");

    public IPEndPoint? HttpEndPoint => _httpListener?.IPEndPoint;

    public BrokerRuntime Runtime => _app.Services.GetRequiredService<BrokerRuntime>();

    public IServiceProvider Services => _app.Services;

    public static BrokerHost Create(string[] args)
    {
        // The defaults would load appsettings.json with reload on change, which watches the content root (the working
        // directory, where ./data lives by default) recursively: an inotify event and a watcher wake-up per append.
        // Our own sources replace the defaults below; this only keeps the defaults from starting that watcher.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"] });
        ConfigureSources(builder.Configuration, args);
        var options = ReadOptions(builder.Configuration);
        ValidateGroupSettings(options.Groups);
        ListenOptions? clientListener = null;
        ListenOptions? httpListener = null;
        builder.WebHost.UseSockets(sockets =>
        {
            // The input pipe must hold a whole frame before it parses; the output pipe applies backpressure.
            sockets.MaxReadBufferSize = (long)options.FrameBytesMax + 64 * 1024;
            sockets.NoDelay = true;

            // "Unsafe" because whatever blocks in the connection handler then blocks the I/O thread: the
            // RequestDispatcher keeps such requests off it.
            sockets.UnsafePreferInlineScheduling = options.InlineIoScheduling;
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(Endpoints.Parse(options.Listen, nameof(BrokerOptions.Listen)), listen =>
            {
                listen.UseConnectionHandler<BrokerConnectionHandler>();
                clientListener = listen;
            });
            if (!string.IsNullOrEmpty(options.HttpListen))
            {
                kestrel.Listen(Endpoints.Parse(options.HttpListen, nameof(BrokerOptions.HttpListen)), listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    httpListener = listen;
                });
            }
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromMilliseconds(options.ShutdownTimeoutMs));
        AddServices(builder.Services, builder.Configuration);

        var app = builder.Build();
        app.Services.GetRequiredService<MeterProvider>(); // listen to the meters from the start, not from the first scrape
        MapHttp(app);
        var host = new BrokerHost(app, clientListener!, httpListener);
        app.Lifetime.ApplicationStarted.Register(() => host.Runtime.RegisterAsync(host.ClientEndPoint, host.HttpEndPoint).GetAwaiter().GetResult());
        return host;
    }

    /// <summary>
    /// For the executable, before anything opens a socket: with <see cref="BrokerOptions.InlineIoScheduling"/> on,
    /// sets <see cref="InlineCompletionsVariable"/> to 1 unless the user set it. The runtime reads it from the
    /// environment once, when its socket engine starts, and it then runs socket completions (and with Kestrel's inline
    /// scheduling, the request handling) on the engine's threads instead of queueing them to the thread pool.
    /// In-process brokers (tests) leave it alone: it applies to every socket of the process.
    /// </summary>
    public static void ConfigureProcess(string[] args)
    {
        using var configuration = new ConfigurationManager();
        ConfigureSources(configuration, args);
        var options = ReadOptions(configuration);
        if (options.InlineIoScheduling && Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }

    /// <summary>Starts a broker and waits until it serves requests.</summary>
    public static async Task<BrokerHost> StartAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var host = Create(args);
        await host._app.StartAsync(cancellationToken);
        await host.Runtime.Ready.WaitAsync(cancellationToken);
        return host;
    }

    public Task RunAsync() => _app.RunAsync();

    /// <summary>Graceful shutdown: stop accepting, finish in-flight requests, close the logs cleanly.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Refuses bad group settings before anything starts, as one-line INVALID_CONFIG.</summary>
    private static void ValidateGroupSettings(GroupSettings groups)
    {
        try
        {
            groups.ToCoordinatorOptions();
        }
        catch (ArgumentException e)
        {
            throw new BrokerException(ErrorCode.InvalidConfig, e.Message);
        }
    }

    /// <summary>The settings from every source; a value that does not convert to its setting's type (NodeId "abc") is
    /// refused as one-line INVALID_CONFIG, whose message names the key and the value.</summary>
    private static BrokerOptions ReadOptions(IConfiguration configuration)
    {
        try
        {
            return configuration.Get<BrokerOptions>() ?? new BrokerOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new BrokerException(ErrorCode.InvalidConfig, e.Message, e);
        }
    }

    private static void ConfigureSources(ConfigurationManager configuration, string[] args)
    {
        configuration.Sources.Clear();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Kestrel would announce the binary listener as "http://"; the runtime logs both listeners itself.
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            // A start-up failure is reported once, as one line, by Program; not again with a stack trace.
            ["Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host"] = "Critical",
        });
        var path = new ConfigurationBuilder().AddCommandLine(args, Switches).Build()["Config"];
        if (path is not null && !File.Exists(path))
        {
            throw new FileNotFoundException($"Configuration file {Path.GetFullPath(path)} does not exist.", path);
        }

        try
        {
            configuration.AddJsonFile(Path.GetFullPath(path ?? DefaultConfigPath), optional: path is null, reloadOnChange: false);
        }
        catch (InvalidDataException e)
        {
            // "Failed to load configuration from file '...'.", then the parser's reason with its line and byte.
            throw new BrokerException(ErrorCode.InvalidConfig, $"{e.Message} {e.GetBaseException().Message}", e);
        }

        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddCommandLine(args, Switches);
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<BrokerOptions>(configuration);
        services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>(); // after Kestrel's: this one wins
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<BrokerMetrics>();
        services.AddSingleton<BrokerRuntime>();
        services.AddHostedService(sp => sp.GetRequiredService<BrokerRuntime>());
        services.AddSingleton<ProduceHandler>();
        services.AddSingleton<FetchHandler>();
        services.AddSingleton<MetadataHandler>();
        services.AddSingleton<AdminHandler>();
        services.AddSingleton<ConfigHandler>();
        services.AddSingleton<GroupHandler>();
        services.AddSingleton<RequestDispatcher>();
        services.AddSingleton<BrokerConnectionHandler>();
        services.AddSingleton(sp =>
        {
            var exporter = new PrometheusTextExporter();
            exporter.Reader = new BaseExportingMetricReader(exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
            return exporter;
        });
        services.AddSingleton(sp =>
        {
            var metrics = sp.GetRequiredService<BrokerMetrics>(); // the meter exists before the provider starts listening
            return Sdk.CreateMeterProviderBuilder().AddMeter(metrics.Meter.Name).AddReader(sp.GetRequiredService<PrometheusTextExporter>().Reader!).Build();
        });
    }

    private static void MapHttp(WebApplication app)
    {
        app.MapGet("/health", (BrokerRuntime runtime) => runtime.Ready.IsCompletedSuccessfully
            ? Results.Json(new HealthReport("ok", runtime.Options.NodeId, runtime.Replicas.PartitionCount), HealthReportContext.Default.HealthReport)
            : Results.Json(new HealthReport("starting", runtime.Options.NodeId, 0), HealthReportContext.Default.HealthReport, statusCode: StatusCodes.Status503ServiceUnavailable));
        // A scrape formats a line per partition under the exporter's lock: off the socket I/O thread the HTTP listener
        // shares with the broker's connections under inline scheduling.
        app.MapGet("/metrics", async (PrometheusTextExporter exporter) =>
        {
            await new ThreadPoolHop();
            return Results.Text(exporter.Scrape(), "text/plain; version=0.0.4; charset=utf-8");
        });
    }
}
