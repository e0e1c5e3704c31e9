/* Regular expressions become NFA tables | id 6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a02 | regex.yml */
static const sgc_field sgc_f0 = {"CommandLine", 11, 0};
static const sgc_field sgc_f1 = {"Image", 5, 1};
#undef SGC_NFIELDS
#define SGC_NFIELDS 2
static const uint32_t sgc_d0_ranges[] = {
    0x7a, 0x7a, 0x79, 0x79, 0x78, 0x78, 0x30, 0x39, 0x61, 0x61,
};
static const sgc_rstate sgc_d0_st[] = {
    {4, 0, 0, 0, 0, 0},
    {3, 2, 0, 0, 0, 0},
    {0, 0, 1, 0, 0, 1},
    {0, 0, 2, 0, 2, 1},
    {0, 0, 1, 0, 4, 1},
    {1, 0, 4, 3, 0, 0},
    {1, 0, 5, 1, 0, 0},
    {0, 0, 6, 0, 6, 1},
    {1, 0, 7, 6, 0, 0},
    {0, 0, 8, 0, 6, 1},
    {0, 0, 9, 0, 6, 1},
    {0, 0, 10, 0, 8, 1},
    {3, 0, 11, 0, 0, 0},
};
static const sgc_re sgc_d0 = {sgc_d0_st, 13, 12, sgc_d0_ranges};
static const uint32_t sgc_d1_ranges[] = {
    0x3d, 0x3d, 0x9, 0xd, 0x20, 0x20, 0x59, 0x59, 0x79, 0x79, 0x45, 0x45,
    0x65, 0x65, 0x4b, 0x4b, 0x6b, 0x6b, 0x212a, 0x212a,
};
static const sgc_rstate sgc_d1_st[] = {
    {4, 0, 0, 0, 0, 0},
    {0, 0, 0, 0, 0, 1},
    {1, 0, 3, 1, 0, 0},
    {0, 0, 2, 0, 2, 2},
    {0, 0, 2, 0, 6, 2},
    {0, 0, 4, 0, 10, 2},
    {0, 0, 5, 0, 14, 3},
    {3, 1, 6, 0, 0, 0},
};
static const sgc_re sgc_d1 = {sgc_d1_st, 8, 7, sgc_d1_ranges};
static const uint32_t sgc_d2_ranges[] = {
    0x45, 0x45, 0x65, 0x65, 0x58, 0x58, 0x78, 0x78, 0x2e, 0x2e, 0x30, 0x39,
    0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a, 0x5c, 0x5c,
};
static const sgc_rstate sgc_d2_st[] = {
    {4, 0, 0, 0, 0, 0},
    {3, 5, 0, 0, 0, 0},
    {0, 0, 1, 0, 0, 2},
    {0, 0, 2, 0, 4, 2},
    {0, 0, 3, 0, 0, 2},
    {0, 0, 4, 0, 8, 1},
    {1, 0, 7, 5, 0, 0},
    {0, 0, 6, 0, 10, 4},
    {0, 0, 6, 0, 10, 4},
    {0, 0, 8, 0, 18, 1},
};
static const sgc_re sgc_d2 = {sgc_d2_st, 10, 9, sgc_d2_ranges};
static int sgc_rule_0(sgc_ev *ev)
{
    return sgc_any(ev, &sgc_f0, sgc_v_re, &sgc_d0)
        || sgc_any(ev, &sgc_f0, sgc_v_re, &sgc_d1)
        || sgc_any(ev, &sgc_f1, sgc_v_re, &sgc_d2);
}
static const sgc_node sgc_node_1;
static const sgc_node sgc_node_0 = {sgc_rule_0, &sgc_node_1, {NULL, NULL}, NULL, {0, "6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a02", "Regular expressions become NFA tables", "low", "regex.yml"}};
