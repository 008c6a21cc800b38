/*
 * The machine's floor for `brokerctl perf e2e`: the same traffic through the simplest possible pipeline, in C.
 * A paced producer thread writes 1 KiB records, each carrying its intended send time, to a "broker" process over
 * loopback TCP; the broker appends what it reads to a file (page cache, no fsync) and writes it on to a consumer
 * thread, which takes the latency from the intended send time, as perf e2e does (no coordinated omission).
 * Blocking I/O, one thread per role, no protocol, no acknowledgements: three wake-ups per pacer tick. Whatever
 * latency this shows is the scheduler's and the VM's, not the broker's.
 *
 * usage: e2e-floor RATE SECONDS WARMUP_SECONDS [MIN_SLEEP_US] [LOG_FILE]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RECORD_BYTES 1024
#define BURST_MAX 256

static double rate;
static long total, warmup;
static int consumer_socket;

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int listen_loopback(int *port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 4) || getsockname(s, (struct sockaddr *)&a, &length)) {
        perror("listen");
        exit(1);
    }
    *port = ntohs(a.sin_port);
    return s;
}

static int connect_loopback(int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(port)};
    while (connect(s, (struct sockaddr *)&a, sizeof a))
        usleep(1000);
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return s;
}

static int write_all(int fd, const char *bytes, int count)
{
    for (int written = 0; written < count;) {
        int n = write(fd, bytes + written, count - written);
        if (n <= 0)
            return -1;
        written += n;
    }
    return 0;
}

static void run_broker(int producers, int consumers, const char *log_path)
{
    static char buffer[256 * 1024];
    int in = accept(producers, 0, 0), out = accept(consumers, 0, 0), one = 1;
    setsockopt(out, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int log = open(log_path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    for (int n; (n = read(in, buffer, sizeof buffer)) > 0;) {
        if (write(log, buffer, n) != n || write_all(out, buffer, n))
            break;
    }
    unlink(log_path);
}

static int compare(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static void *run_consumer(void *unused)
{
    (void)unused;
    static char buffer[256 * 1024];
    long long *latency = malloc(sizeof(long long) * (total - warmup + 1));
    long seen = 0, kept = 0;
    int held = 0;
    while (seen < total) {
        int n = read(consumer_socket, buffer + held, sizeof buffer - held);
        if (n <= 0)
            break;
        held += n;
        long long now = now_ns();
        int at = 0;
        for (; held - at >= RECORD_BYTES; at += RECORD_BYTES, seen++) {
            long long due;
            memcpy(&due, buffer + at, sizeof due);
            if (seen >= warmup)
                latency[kept++] = now - due;
        }
        memmove(buffer, buffer + at, held - at);
        held -= at;
    }
    if (kept == 0) {
        fprintf(stderr, "e2e floor: no record arrived after the warm-up (the broker process ended early?)\n");
        exit(1);
    }
    qsort(latency, kept, sizeof *latency, compare);
    printf("{\"rate\": %.0f, \"records\": %ld, \"latency_us\": {\"p50\": %lld, \"p95\": %lld, \"p99\": %lld, \"p999\": %lld, \"max\": %lld}}\n",
           rate, kept, latency[kept / 2] / 1000, latency[(long)(kept * 0.95)] / 1000, latency[(long)(kept * 0.99)] / 1000,
           latency[(long)(kept * 0.999)] / 1000, latency[kept - 1] / 1000);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s RATE SECONDS WARMUP_SECONDS [MIN_SLEEP_US] [LOG_FILE]\n", argv[0]);
        return 2;
    }
    rate = atof(argv[1]);
    total = (long)(rate * atoi(argv[2]));
    warmup = (long)(rate * atoi(argv[3]));
    long long min_sleep_ns = (argc > 4 ? atoll(argv[4]) : 100) * 1000; /* as brokerctl's pacer: at least 100 us */
    const char *log_path = argc > 5 ? argv[5] : "e2e-floor.log";

    int producer_port, consumer_port;
    int producers = listen_loopback(&producer_port), consumers = listen_loopback(&consumer_port);
    pid_t broker = fork();
    if (broker == 0) {
        run_broker(producers, consumers, log_path);
        _exit(0);
    }

    int producer_socket = connect_loopback(producer_port);
    consumer_socket = connect_loopback(consumer_port);
    pthread_t consumer;
    pthread_create(&consumer, 0, run_consumer, 0);

    /* The pacer: sleeps until the next record is due (at least min_sleep), then sends every record due by now. */
    static char burst[RECORD_BYTES * BURST_MAX];
    double period_ns = 1e9 / rate;
    long long start = now_ns() + 1000000;
    for (long next = 0; next < total;) {
        long long now = now_ns(), due = start + (long long)(next * period_ns);
        if (due > now) {
            long long wait = due - now < min_sleep_ns ? min_sleep_ns : due - now;
            struct timespec pause = {wait / 1000000000, wait % 1000000000};
            nanosleep(&pause, 0);
            now = now_ns();
        }
        int count = 0;
        for (; next < total && count < BURST_MAX && (due = start + (long long)(next * period_ns)) <= now; next++, count++)
            memcpy(burst + count * RECORD_BYTES, &due, sizeof due);
        if (write_all(producer_socket, burst, count * RECORD_BYTES))
            return 1;
    }

    pthread_join(consumer, 0);
    close(producer_socket);
    waitpid(broker, 0, 0);
    return 0;
}
