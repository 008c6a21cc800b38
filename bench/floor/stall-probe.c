/*
 * How much the machine itself stalls: a thread that only sleeps PERIOD_US at a time and notes each wake-up that came
 * more than 1 ms late. It asks for SCHED_FIFO (root or CAP_SYS_NICE), so a woken probe preempts every ordinary thread
 * as soon as the kernel lets it: the processes under test cannot delay it by using the cores in user space. What
 * lateness is left is the machine's: the hypervisor not running a vCPU, interrupts held off, or (on a kernel without
 * preemption) another thread's long path through the kernel. Run beside an e2e rung, it shows how much of that
 * rung's tail the machine made. Without the real-time class ("fifo": false) it waits for a core like anyone else,
 * and load shows in its lateness too.
 * Prints one JSON line; with LOG_FILE, also each late wake-up as "CLOCK_MONOTONIC-seconds lateness-ms", to line up
 * with other timelines (perf record -k CLOCK_MONOTONIC, Stopwatch timestamps).
 *
 * usage: stall-probe SECONDS [PERIOD_US] [LOG_FILE]
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: stall-probe SECONDS [PERIOD_US] [LOG_FILE]\n");
        return 2;
    }

    double seconds = atof(argv[1]);
    long period_us = argc > 2 ? atol(argv[2]) : 1000;
    FILE *log = argc > 3 ? fopen(argv[3], "w") : NULL;
    if (seconds <= 0 || period_us <= 0 || (argc > 3 && log == NULL)) {
        fprintf(stderr, "stall-probe: SECONDS and PERIOD_US must be positive, LOG_FILE writable\n");
        return 2;
    }

    struct sched_param fifo = { .sched_priority = 10 };
    int is_fifo = sched_setscheduler(0, SCHED_FIFO, &fifo) == 0;

    struct timespec period = { period_us / 1000000, (period_us % 1000000) * 1000 };
    double end = now() + seconds, stalled = 0, worst = 0;
    long stalls = 0, wakeups = 0;
    while (now() < end) {
        double before = now();
        nanosleep(&period, NULL);
        double late = now() - before - (double)period_us * 1e-6;
        wakeups++;
        if (late > worst) {
            worst = late;
        }
        if (late > 1e-3) {
            stalls++;
            stalled += late;
            if (log != NULL) {
                fprintf(log, "%.6f %.3f\n", before, late * 1e3);
            }
        }
    }

    if (log != NULL) {
        fclose(log);
    }
    printf("{\"seconds\": %.1f, \"period_us\": %ld, \"fifo\": %s, \"wakeups\": %ld, \"stalls_over_1ms\": %ld, \"stalled_ms\": %.1f, \"worst_ms\": %.2f}\n",
           seconds, period_us, is_fifo ? "true" : "false", wakeups, stalls, stalled * 1e3, worst * 1e3);
    return 0;
}
