/* suricata_fields.c - the field names the Suricata backend understands.
 *
 * One row per name. The built-in pipeline (pipelines/suricata.yml) maps
 * Sigma's field names onto these; a field not listed has no meaning on the
 * network and makes the rule a per-rule error. Buffer facts are Suricata
 * 7.0's (see ../shared/TARGETS.md): http.host is lower-cased, ja3.hash is 32
 * hex digits, request and response buffers cannot share a rule. */
#include "suricata.h"

#include <string.h>

#define BUF(n, kw, app, dir, flags, hdr, region) {n, SC_F_BUF, 0, kw, app, dir, flags, hdr, region}
#define REQ SC_DIR_SERVER
#define RESP SC_DIR_CLIENT

static const sc_field fields[] = {
    {"ip.src", SC_F_ADDR, SC_SRC, NULL, NULL, SC_DIR_ANY, 0, NULL, SC_R_WHOLE},
    {"ip.dst", SC_F_ADDR, SC_DST, NULL, NULL, SC_DIR_ANY, 0, NULL, SC_R_WHOLE},
    {"port.src", SC_F_PORT, SC_SRC, NULL, NULL, SC_DIR_ANY, 0, NULL, SC_R_WHOLE},
    {"port.dst", SC_F_PORT, SC_DST, NULL, NULL, SC_DIR_ANY, 0, NULL, SC_R_WHOLE},
    {"proto", SC_F_PROTO, 0, NULL, NULL, SC_DIR_ANY, 0, NULL, SC_R_WHOLE},
    {"net.initiated", SC_F_INITIATED, 0, NULL, NULL, SC_DIR_ANY, 0, NULL, SC_R_WHOLE},

    BUF("dns.query", "dns.query", "dns", REQ, SC_ALWAYS, NULL, SC_R_WHOLE),

    /* The raw URI is what proxies and web servers log; http.uri is
     * normalised (dot segments removed, %-decoded), so `../` is gone. */
    BUF("http.uri", "http.uri", "http", REQ, SC_ALWAYS, NULL, SC_R_WHOLE),
    BUF("http.uri.raw", "http.uri.raw", "http", REQ, SC_ALWAYS, NULL, SC_R_WHOLE),
    BUF("http.uri.path", "http.uri.raw", "http", REQ, SC_ALWAYS, NULL, SC_R_PATH),
    BUF("http.uri.query", "http.uri.raw", "http", REQ, SC_ALWAYS, NULL, SC_R_QUERY),
    BUF("http.uri.extension", "http.uri.raw", "http", REQ, SC_ALWAYS, NULL, SC_R_EXT),
    BUF("http.method", "http.method", "http", REQ, SC_ALWAYS, NULL, SC_R_WHOLE),
    BUF("http.host", "http.host", "http", REQ, SC_LOWER, "Host", SC_R_WHOLE),
    BUF("http.user_agent", "http.user_agent", "http", REQ, 0, "User-Agent", SC_R_WHOLE),
    BUF("http.referer", "http.referer", "http", REQ, 0, "Referer", SC_R_WHOLE),
    BUF("http.cookie", "http.cookie", "http", REQ, 0, "Cookie", SC_R_WHOLE),
    BUF("http.content_type", "http.content_type", "http", REQ, 0, "Content-Type", SC_R_WHOLE),
    BUF("http.stat_code", "http.stat_code", "http", RESP, SC_ALWAYS, NULL, SC_R_WHOLE),

    BUF("tls.sni", "tls.sni", "tls", REQ, 0, NULL, SC_R_WHOLE),
    BUF("ja3.hash", "ja3.hash", "tls", REQ, SC_ALWAYS | SC_HEX32, NULL, SC_R_WHOLE),
    BUF("tls.cert_subject", "tls.cert_subject", "tls", RESP, 0, NULL, SC_R_WHOLE),
    BUF("tls.cert_issuer", "tls.cert_issuer", "tls", RESP, 0, NULL, SC_R_WHOLE),
    BUF("ja3s.hash", "ja3s.hash", "tls", RESP, SC_ALWAYS | SC_HEX32, NULL, SC_R_WHOLE),

    /* Suricata 7 has no tftp keyword: the UDP/69 request payload is
     * opcode (2 bytes), file name, NUL, mode, NUL. */
    {"tftp.filename", SC_F_TFTP_NAME, 0, NULL, "tftp", REQ, SC_ALWAYS, NULL, SC_R_TFTP},
    {"tftp.write", SC_F_TFTP_WRITE, 0, NULL, "tftp", REQ, 0, NULL, SC_R_WHOLE},
};

static const sc_field payload = {"payload", SC_F_PAYLOAD, 0, NULL, NULL, SC_DIR_ANY,
                                 SC_ALWAYS, NULL, SC_R_WHOLE};

const sc_field *sc_field_find(const char *name)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

const sc_field *sc_field_payload(void)
{
    return &payload;
}

/* Sigma fields a rule often names that no packet shows, with the reason. */
static const struct {
    const char *name, *why;
} reasons[] = {
    {"Image", "process"},           {"ParentImage", "process"},
    {"CommandLine", "process"},     {"ParentCommandLine", "process"},
    {"User", "process"},            {"OriginalFileName", "process"},
    {"ProcessId", "process"},       {"ProcessGuid", "process"},
    {"Hashes", "process"},          {"Company", "process"},
    {"Product", "process"},         {"Description", "process"},
    {"IntegrityLevel", "process"},  {"CurrentDirectory", "process"},
    {"DestinationHostname", "name"}, {"SourceHostname", "name"},
};

/* Sigma's network fields that the suricata pipeline maps. */
static const char *const mapped[] = {
    "c-uri", "cs-uri", "c-uri-query", "cs-uri-query", "c-uri-stem", "cs-uri-stem",
    "c-uri-extension", "c-useragent", "cs-host", "cs-method", "cs-referrer", "cs-cookie",
    "sc-status", "query", "QueryName", "DestinationIp", "SourceIp", "DestinationPort",
    "SourcePort", "Protocol", "dst_ip", "src_ip", "dst_port", "src_port", "id.orig_h",
    "id.resp_h", "id.orig_p", "id.resp_p", "server_name", "fname",
};

const char *sc_field_unknown_reason(const char *name)
{
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (!strcmp(reasons[i].name, name))
            return !strcmp(reasons[i].why, "process")
                       ? "it describes the process on the host, and Suricata sees packets, "
                         "not processes"
                       : "it is the endpoint's name for the address; on the wire a name is "
                         "only seen as a DNS query, a TLS SNI or an HTTP Host (a pipeline may "
                         "map it to one of them where that approximation fits)";
    for (size_t i = 0; i < sizeof mapped / sizeof mapped[0]; i++)
        if (!strcmp(mapped[i], name))
            return "it is a Sigma network field that the 'suricata' pipeline maps "
                   "(-p suricata), and no pipeline mapped it here";
    return "no Suricata header or keyword can test it";
}
