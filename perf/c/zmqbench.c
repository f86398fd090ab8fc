/* C baselines for cyzmq's benchmark suite: what libzmq itself does, with no Python.
 *
 * Built by perf/bench.py (gcc -O2 zmqbench.c -lzmq) into a cached temp directory.
 * Output: one line of JSON, {"samples": [...]}, in the unit of the matching Python scenario.
 *
 * COPY mirrors the Python scenario's copy flag, so C does the same memory work minus Python:
 *   COPY=1  send: zmq_send() copies the caller's buffer into a new message;
 *           recv: zmq_msg_recv(), then malloc + memcpy + free of the content (what building
 *           a bytes object costs), then zmq_msg_close().
 *   COPY=0  send: zmq_msg_init_data() over the caller's buffer (no copy, no-op free);
 *           recv: zmq_msg_recv() + zmq_msg_close() (what a Frame costs, minus Python).
 *
 *   zmqbench pair SIZE N REPEATS COPY
 *       One thread, PAIR over inproc: send then recv, N times per sample.
 *       Unit: ns per send+recv pair (cf. sendrecv_inproc_64_copy).
 *
 *   zmqbench tcp_thr SIZE N REPEATS HWM COPY
 *       PUSH/PULL over tcp://127.0.0.1, sender in a forked process that pushes
 *       (REPEATS+1)*N messages back to back; the receiver times each block of N messages
 *       from the end of the previous one and drops the first block.
 *       Unit: messages per second (cf. pushpull_tcp_*).
 *
 *   zmqbench again N REPEATS
 *       zmq_msg_recv(ZMQ_DONTWAIT) on an empty PULL socket, failing with EAGAIN: libzmq's
 *       own floor for a non-blocking recv (4.3 makes two syscalls per call, getpid and poll).
 *       Unit: ns per call (cf. recv_again).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
    fprintf(stderr, "zmqbench: %s: %s\n", what, zmq_strerror(zmq_errno()));
    exit(1);
}

static void print_samples(const double *samples, int n)
{
    printf("{\"samples\": [");
    for (int i = 0; i < n; i++)
        printf("%s%.6f", i ? ", " : "", samples[i]);
    printf("]}\n");
}

static void no_free(void *data, void *hint)
{
    (void)data;
    (void)hint;
}

static int send_one(void *sock, char *buf, size_t size, int copy)
{
    if (copy)
        return zmq_send(sock, buf, size, 0);
    zmq_msg_t msg;
    zmq_msg_init_data(&msg, buf, size, no_free, NULL);
    int rc = zmq_msg_send(&msg, sock, 0);
    if (rc < 0)
        zmq_msg_close(&msg);
    return rc;
}

/* Receive one message; returns its size or -1. */
static long recv_one(void *sock, int copy)
{
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, sock, 0) < 0)
        return -1;
    size_t size = zmq_msg_size(&msg);
    if (copy) {
        char *dup = malloc(size ? size : 1);
        memcpy(dup, zmq_msg_data(&msg), size);
        __asm__ volatile("" : : "r"(dup) : "memory");  /* keep the copy */
        free(dup);
    }
    zmq_msg_close(&msg);
    return (long)size;
}

static int cmd_pair(size_t size, long n, int repeats, int copy)
{
    void *ctx = zmq_ctx_new();
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    if (!a || !b || zmq_bind(a, "inproc://pair") < 0 || zmq_connect(b, "inproc://pair") < 0)
        die("setup");
    char *buf = malloc(size ? size : 1);
    memset(buf, 'x', size);
    double *samples = calloc((size_t)repeats, sizeof(double));
    for (int r = 0; r <= repeats; r++) {  /* r == 0: warm-up */
        double t0 = now_s();
        for (long i = 0; i < n; i++) {
            if (send_one(a, buf, size, copy) < 0)
                die("send");
            if (recv_one(b, copy) < 0)
                die("recv");
        }
        if (r > 0)
            samples[r - 1] = (now_s() - t0) * 1e9 / (double)n;
    }
    print_samples(samples, repeats);
    zmq_close(a);
    zmq_close(b);
    zmq_ctx_term(ctx);
    return 0;
}

static void tcp_sender(int fd, size_t size, long total, int hwm, int copy)
{
    char endpoint[256];
    ssize_t got = read(fd, endpoint, sizeof endpoint - 1);
    if (got <= 0)
        _exit(2);
    endpoint[got] = 0;
    void *ctx = zmq_ctx_new();
    void *push = zmq_socket(ctx, ZMQ_PUSH);
    int linger = 20000;
    zmq_setsockopt(push, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(push, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(push, endpoint) < 0)
        die("connect");
    char *buf = malloc(size ? size : 1);
    memset(buf, 'x', size);
    for (long i = 0; i < total; i++)
        if (send_one(push, buf, size, copy) < 0)
            die("send");
    zmq_close(push);
    zmq_ctx_term(ctx);
    _exit(0);
}

static int cmd_tcp_thr(size_t size, long n, int repeats, int hwm, int copy)
{
    int fds[2];
    if (pipe(fds) < 0)
        return 1;
    long total = (long)(repeats + 1) * n;
    pid_t pid = fork();  /* before any libzmq state exists */
    if (pid == 0) {
        close(fds[1]);
        tcp_sender(fds[0], size, total, hwm, copy);
    }
    close(fds[0]);
    void *ctx = zmq_ctx_new();
    void *pull = zmq_socket(ctx, ZMQ_PULL);
    int timeout = 20000;
    zmq_setsockopt(pull, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(pull, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    if (zmq_bind(pull, "tcp://127.0.0.1:*") < 0)
        die("bind");
    char endpoint[256];
    size_t len = sizeof endpoint;
    zmq_getsockopt(pull, ZMQ_LAST_ENDPOINT, endpoint, &len);
    if (write(fds[1], endpoint, strlen(endpoint)) < 0)
        die("pipe");
    close(fds[1]);

    double *samples = calloc((size_t)repeats, sizeof(double));
    double t_prev = 0;
    for (int r = 0; r <= repeats; r++) {
        for (long i = 0; i < n; i++) {
            long got = recv_one(pull, copy);
            if (got < 0)
                die("recv");
            if ((size_t)got != size) {
                fprintf(stderr, "zmqbench: got %ld bytes, expected %zu\n", got, size);
                exit(1);
            }
        }
        double t = now_s();
        if (r > 0)
            samples[r - 1] = (double)n / (t - t_prev);
        t_prev = t;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    print_samples(samples, repeats);
    zmq_close(pull);
    zmq_ctx_term(ctx);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

static int cmd_again(long n, int repeats)
{
    void *ctx = zmq_ctx_new();
    void *pull = zmq_socket(ctx, ZMQ_PULL);
    if (!pull || zmq_bind(pull, "inproc://again") < 0)
        die("setup");
    double *samples = calloc((size_t)repeats, sizeof(double));
    for (int r = 0; r <= repeats; r++) {
        double t0 = now_s();
        for (long i = 0; i < n; i++) {
            zmq_msg_t msg;
            zmq_msg_init(&msg);
            if (zmq_msg_recv(&msg, pull, ZMQ_DONTWAIT) >= 0 || zmq_errno() != EAGAIN)
                die("recv did not fail with EAGAIN");
            zmq_msg_close(&msg);
        }
        if (r > 0)
            samples[r - 1] = (now_s() - t0) * 1e9 / (double)n;
    }
    print_samples(samples, repeats);
    zmq_close(pull);
    zmq_ctx_term(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "pair") == 0)
        return cmd_pair((size_t)atol(argv[2]), atol(argv[3]), atoi(argv[4]), atoi(argv[5]));
    if (argc == 7 && strcmp(argv[1], "tcp_thr") == 0)
        return cmd_tcp_thr((size_t)atol(argv[2]), atol(argv[3]), atoi(argv[4]), atoi(argv[5]),
                           atoi(argv[6]));
    if (argc == 4 && strcmp(argv[1], "again") == 0)
        return cmd_again(atol(argv[2]), atoi(argv[3]));
    fprintf(stderr, "usage: zmqbench pair SIZE N REPEATS COPY | tcp_thr SIZE N REPEATS HWM COPY"
                    " | again N REPEATS\n");
    return 2;
}
