/* Long value lists become leaf tables | id 6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a0e | lists.yml */
static const sgc_field sgc_f0 = {"Image", 5, 0};
static const sgc_field sgc_f1 = {"CommandLine", 11, 1};
#undef SGC_NFIELDS
#define SGC_NFIELDS 2
static const sgc_lit sgc_d0 = {"\\a01.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d1 = {"\\a02.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d2 = {"\\a03.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d3 = {"\\a04.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d4 = {"\\a05.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d5 = {"\\a06.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d6 = {"\\a07.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d7 = {"\\a08.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d8 = {"\\a09.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d9 = {"\\a10.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d10 = {"\\a11.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d11 = {"\\a12.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d12 = {"\\a13.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d13 = {"\\a14.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d14 = {"\\a15.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d15 = {"\\a16.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d16 = {"w01", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {491, 0, 0}, 1};
static const sgc_lit sgc_d17 = {"w02", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {1465, 0, 0}, 1};
static const sgc_lit sgc_d18 = {"w03", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {390, 0, 0}, 1};
static const sgc_lit sgc_d19 = {"w04", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {1364, 0, 0}, 1};
static const sgc_lit sgc_d20 = {"w05", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {289, 0, 0}, 1};
static const sgc_lit sgc_d21 = {"w06", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {1263, 0, 0}, 1};
static const sgc_lit sgc_d22 = {"w07", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {189, 0, 0}, 1};
static const sgc_lit sgc_d23 = {"w08", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {1162, 0, 0}, 1};
static const sgc_lit sgc_d24 = {"w09", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {88, 0, 0}, 1};
static const sgc_lit sgc_d25 = {"w10", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {2010, 0, 0}, 1};
static const sgc_lit sgc_d26 = {"w11", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {935, 0, 0}, 1};
static const sgc_lit sgc_d27 = {"w12", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {1909, 0, 0}, 1};
static const sgc_lit sgc_d28 = {"w13", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {834, 0, 0}, 1};
static const sgc_lit sgc_d29 = {"w14", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {1808, 0, 0}, 1};
static const sgc_lit sgc_d30 = {"w15", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {733, 0, 0}, 1};
static const sgc_lit sgc_d31 = {"w16", 3, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 1, {1707, 0, 0}, 1};
static const sgc_leaf sgc_r0_t0[] = {
    {&sgc_f1, sgc_v_str, &sgc_d16, 0},
    {&sgc_f1, sgc_v_str, &sgc_d17, 0},
    {&sgc_f1, sgc_v_str, &sgc_d18, 0},
    {&sgc_f1, sgc_v_str, &sgc_d19, 0},
    {&sgc_f1, sgc_v_str, &sgc_d20, 0},
    {&sgc_f1, sgc_v_str, &sgc_d21, 0},
    {&sgc_f1, sgc_v_str, &sgc_d22, 0},
    {&sgc_f1, sgc_v_str, &sgc_d23, 0},
    {&sgc_f1, sgc_v_str, &sgc_d24, 0},
    {&sgc_f1, sgc_v_str, &sgc_d25, 0},
    {&sgc_f1, sgc_v_str, &sgc_d26, 0},
    {&sgc_f1, sgc_v_str, &sgc_d27, 0},
    {&sgc_f1, sgc_v_str, &sgc_d28, 0},
    {&sgc_f1, sgc_v_str, &sgc_d29, 0},
    {&sgc_f1, sgc_v_str, &sgc_d30, 0},
    {&sgc_f1, sgc_v_str, &sgc_d31, 0},
};
static const sgc_atom sgc_d32_atoms[] = {
    {&sgc_f0, {1425, 307, 894}, 3},
    {&sgc_f0, {1425, 751, 894}, 3},
    {&sgc_f0, {1425, 1195, 894}, 3},
    {&sgc_f0, {1425, 1639, 894}, 3},
    {&sgc_f0, {1425, 35, 894}, 3},
    {&sgc_f0, {1425, 479, 894}, 3},
    {&sgc_f0, {1425, 922, 894}, 3},
    {&sgc_f0, {1425, 1366, 894}, 3},
    {&sgc_f0, {1425, 1810, 894}, 3},
    {&sgc_f0, {351, 1129, 894}, 3},
    {&sgc_f0, {351, 1573, 894}, 3},
    {&sgc_f0, {351, 2017, 894}, 3},
    {&sgc_f0, {351, 413, 894}, 3},
    {&sgc_f0, {351, 857, 894}, 3},
    {&sgc_f0, {351, 1300, 894}, 3},
    {&sgc_f0, {351, 1744, 894}, 3},
    {&sgc_f1, {491, 491, 491}, 1},
};
static const sgc_atoms sgc_d32 = {17, sgc_d32_atoms};
static int sgc_rule_0(sgc_ev *ev)
{
    return sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d0)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d1)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d2)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d3)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d4)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d5)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d6)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d7)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d8)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d9)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d10)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d11)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d12)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d13)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d14)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d15)
        || sgc_and(ev, sgc_r0_t0, 16);
}
static const sgc_node sgc_node_1;
static const sgc_node sgc_node_0 = {sgc_rule_0, &sgc_node_1, {NULL, NULL}, &sgc_d32, {0, "6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a0e", "Long value lists become leaf tables", "low", "lists.yml"}};
