/* Regular expressions give the prefilter their literals | id 6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a09 | regex_atoms.yml */
static const sgc_field sgc_f0 = {"CommandLine", 11, 0};
#undef SGC_NFIELDS
#define SGC_NFIELDS 1
static const uint32_t sgc_d0_ranges[] = {
    0x6c, 0x6c, 0x61, 0x61, 0x2f, 0x2f, 0x9, 0xd, 0x20, 0x20, 0x67, 0x67,
    0x69, 0x69, 0x66, 0x66, 0x6e, 0x6e, 0x6f, 0x6f, 0x63, 0x63, 0x70, 0x70,
};
static const sgc_rstate sgc_d0_st[] = {
    {4, 0, 0, 0, 0, 0},
    {0, 0, 0, 0, 0, 1},
    {0, 0, 1, 0, 0, 1},
    {0, 0, 2, 0, 2, 1},
    {0, 0, 3, 0, 4, 1},
    {1, 0, 6, 4, 0, 0},
    {0, 0, 5, 0, 6, 2},
    {0, 0, 5, 0, 6, 2},
    {0, 0, 7, 0, 10, 1},
    {0, 0, 8, 0, 12, 1},
    {0, 0, 9, 0, 14, 1},
    {0, 0, 10, 0, 16, 1},
    {0, 0, 11, 0, 18, 1},
    {0, 0, 12, 0, 20, 1},
    {0, 0, 13, 0, 22, 1},
    {0, 0, 14, 0, 12, 1},
};
static const sgc_re sgc_d0 = {sgc_d0_st, 16, 15, sgc_d0_ranges};
static const uint32_t sgc_d1_ranges[] = {
    0x9, 0xd, 0x20, 0x20, 0x50, 0x50, 0x70, 0x70, 0x55, 0x55, 0x75, 0x75,
    0x4f, 0x4f, 0x6f, 0x6f, 0x52, 0x52, 0x72, 0x72, 0x47, 0x47, 0x67, 0x67,
    0x45, 0x45, 0x65, 0x65, 0x53, 0x53, 0x73, 0x73, 0x17f, 0x17f, 0x54, 0x54,
    0x74, 0x74, 0x4e, 0x4e, 0x6e, 0x6e,
};
static const sgc_rstate sgc_d1_st[] = {
    {4, 0, 0, 0, 0, 0},
    {0, 0, 0, 0, 0, 2},
    {0, 0, 1, 0, 4, 2},
    {0, 0, 2, 0, 8, 2},
    {0, 0, 3, 0, 12, 2},
    {0, 0, 4, 0, 16, 2},
    {0, 0, 5, 0, 20, 2},
    {0, 0, 1, 0, 16, 2},
    {0, 0, 7, 0, 24, 2},
    {0, 0, 8, 0, 28, 3},
    {0, 0, 9, 0, 8, 2},
    {1, 0, 10, 6, 0, 0},
    {1, 0, 13, 11, 0, 0},
    {0, 0, 12, 0, 0, 2},
    {0, 0, 12, 0, 0, 2},
    {0, 0, 14, 0, 34, 2},
    {0, 0, 15, 0, 24, 2},
    {0, 0, 16, 0, 38, 2},
};
static const sgc_re sgc_d1 = {sgc_d1_st, 18, 17, sgc_d1_ranges};
static const sgc_atom sgc_d2_atoms[] = {
    {&sgc_f0, {459, 1082, 1545}, 3},
    {&sgc_f0, {494, 310, 494}, 2},
    {&sgc_f0, {258, 258, 400}, 3},
};
static const sgc_atoms sgc_d2 = {3, sgc_d2_atoms};
static int sgc_rule_0(sgc_ev *ev)
{
    return sgc_any(ev, &sgc_f0, sgc_v_re, &sgc_d0)
        || sgc_any(ev, &sgc_f0, sgc_v_re, &sgc_d1);
}
static const sgc_node sgc_node_1;
static const sgc_node sgc_node_0 = {sgc_rule_0, &sgc_node_1, {NULL, NULL}, &sgc_d2, {0, "6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a09", "Regular expressions give the prefilter their literals", "low", "regex_atoms.yml"}};
