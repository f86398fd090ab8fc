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

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: instr SCENARIO N\n");
        return 2;
    }
    const char *scenario = argv[1];
    long n = atol(argv[2]);
    void *ctx = zmq_ctx_new();
    void *a = zmq_socket(ctx, ZMQ_PAIR), *b = zmq_socket(ctx, ZMQ_PAIR);
    zmq_bind(b, "inproc://instr");
    zmq_connect(a, "inproc://instr");
    memset(payload, 'x', sizeof payload);
    for (long i = 0; i < n; i++) {
        if (!strcmp(scenario, "sendrecv")) {
            zmq_send(a, payload, sizeof payload, 0);
            free(recv_copy(b, NULL));
        } else if (!strcmp(scenario, "multipart3")) {
            zmq_send(a, payload, sizeof payload, ZMQ_SNDMORE);
            zmq_send(a, payload, sizeof payload, ZMQ_SNDMORE);
            zmq_send(a, payload, sizeof payload, 0);
            int more = 1;
            while (more)
                free(recv_copy(b, &more));
        } else if (!strcmp(scenario, "rcvmore")) {
            int more;
            size_t len = sizeof more;
            zmq_getsockopt(b, ZMQ_RCVMORE, &more, &len);
        } else if (!strcmp(scenario, "again")) {
            zmq_msg_t msg;
            zmq_msg_init(&msg);
            if (zmq_msg_recv(&msg, b, ZMQ_DONTWAIT) >= 0 || zmq_errno() != EAGAIN)
                return 1;
            zmq_msg_close(&msg);
        } else if (!strcmp(scenario, "poll")) {
            zmq_send(a, payload, sizeof payload, 0);
            zmq_pollitem_t item = {b, 0, ZMQ_POLLIN, 0};
            if (zmq_poll(&item, 1, 0) != 1)
                return 1;
            free(recv_copy(b, NULL));
        } else {
            fprintf(stderr, "unknown scenario %s\n", scenario);
            return 2;
        }
    }
    zmq_close(a);
    zmq_close(b);
    zmq_ctx_term(ctx);
    return 0;
}
