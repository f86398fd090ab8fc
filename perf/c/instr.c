/* The C side of `make bench-instructions`: the per-operation scenarios of
 * perf/instructions.py written against libzmq directly, for callgrind to count.
 *
 *   instr SCENARIO N
 *
 * One thread, a PAIR over inproc, 64-byte messages, N operations. recv copies the content
 * into a fresh malloc'd buffer, as building a bytes object does. Scenarios:
 *   sendrecv   zmq_send + zmq_msg_recv (+ copy)
 *   multipart3 three zmq_send (SNDMORE) + three zmq_msg_recv (+ copies, RCVMORE checks)
 *   rcvmore    zmq_getsockopt(ZMQ_RCVMORE)
 *   again      zmq_msg_recv(ZMQ_DONTWAIT) failing with EAGAIN on an empty socket
 *   poll       zmq_send + zmq_poll(1 item, timeout 0) + zmq_msg_recv (+ copy)
 * The scenario is chosen once, before the loop, so each operation counts only its libzmq calls
 * (and the copy), plus the loop's few instructions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static char payload[64];

static void *recv_copy(void *s, int *more)
{
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, s, 0) < 0) {
        perror("zmq_msg_recv");
        exit(1);
    }
    size_t n = zmq_msg_size(&msg);
    void *copy = malloc(n);
    memcpy(copy, zmq_msg_data(&msg), n);
    if (more)
        *more = zmq_msg_more(&msg);
    zmq_msg_close(&msg);
    return copy;
}

static void *a, *b;  /* the connected PAIR: a sends, b receives */

static void op_sendrecv(void)
{
    zmq_send(a, payload, sizeof payload, 0);
    free(recv_copy(b, NULL));
}

static void op_multipart3(void)
{
    zmq_send(a, payload, sizeof payload, ZMQ_SNDMORE);
    zmq_send(a, payload, sizeof payload, ZMQ_SNDMORE);
    zmq_send(a, payload, sizeof payload, 0);
    int more = 1;
    while (more)
        free(recv_copy(b, &more));
}

static void op_rcvmore(void)
{
    int more;
    size_t len = sizeof more;
    zmq_getsockopt(b, ZMQ_RCVMORE, &more, &len);
}

static void op_again(void)
{
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, b, ZMQ_DONTWAIT) >= 0 || zmq_errno() != EAGAIN)
        exit(1);
    zmq_msg_close(&msg);
}

static void op_poll(void)
{
    zmq_send(a, payload, sizeof payload, 0);
    zmq_pollitem_t item = {b, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, 0) != 1)
        exit(1);
    free(recv_copy(b, NULL));
}

static const struct {
    const char *name;
    void (*op)(void);
} scenarios[] = {
    {"sendrecv", op_sendrecv}, {"multipart3", op_multipart3}, {"rcvmore", op_rcvmore},
    {"again", op_again},       {"poll", op_poll},
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: instr SCENARIO N\n");
        return 2;
    }
    /* The scenario is looked up once: the loop pays one indirect call per operation
       (a few instructions), not a string compare. */
    void (*op)(void) = NULL;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        if (!strcmp(argv[1], scenarios[i].name))
            op = scenarios[i].op;
    if (op == NULL) {
        fprintf(stderr, "unknown scenario %s\n", argv[1]);
        return 2;
    }
    long n = atol(argv[2]);
    void *ctx = zmq_ctx_new();
    a = zmq_socket(ctx, ZMQ_PAIR);
    b = zmq_socket(ctx, ZMQ_PAIR);
    zmq_bind(b, "inproc://instr");
    zmq_connect(a, "inproc://instr");
    memset(payload, 'x', sizeof payload);
    for (long i = 0; i < n; i++)
        op();
    zmq_close(a);
    zmq_close(b);
    zmq_ctx_term(ctx);
    return 0;
}
