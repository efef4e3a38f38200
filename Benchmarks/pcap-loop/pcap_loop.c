/*
 * pcap_loop: the baseline — a plain libpcap read loop over a capture file.
 * Touches each packet's first and last captured byte (so the data is really read)
 * and prints: packets=N seconds=S pps=P bytes=B
 *
 * Build: cc -O2 -o pcap_loop pcap_loop.c -lpcap
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdint.h>
#include <time.h>

struct totals {
    uint64_t packets;
    uint64_t bytes;
    uint64_t checksum;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *header, const u_char *data) {
    struct totals *totals = (struct totals *)user;
    totals->packets++;
    totals->bytes += header->caplen;
    if (header->caplen > 0) {
        totals->checksum += data[0] + data[header->caplen - 1];
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.pcap\n", argv[0]);
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pcap_t *handle = pcap_open_offline(argv[1], errbuf);
    if (handle == NULL) {
        fprintf(stderr, "pcap_loop: %s\n", errbuf);
        return 1;
    }
    struct totals totals = {0, 0, 0};
    if (pcap_loop(handle, -1, on_packet, (u_char *)&totals) == -1) {
        fprintf(stderr, "pcap_loop: %s\n", pcap_geterr(handle));
        pcap_close(handle);
        return 1;
    }
    pcap_close(handle);
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    printf("packets=%llu seconds=%.4f pps=%.0f bytes=%llu sum=%llu\n",
           (unsigned long long)totals.packets, seconds, seconds > 0 ? (double)totals.packets / seconds : 0.0,
           (unsigned long long)totals.bytes, (unsigned long long)totals.checksum);
    return 0;
}
