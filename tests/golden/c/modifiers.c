/* Every kind of test | id 6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a01 | modifiers.yml */
static const sgc_field sgc_f0 = {"Image", 5, 0};
static const sgc_field sgc_f1 = {"CommandLine", 11, 1};
static const sgc_field sgc_f2 = {"ParentImage", 11, 2};
static const sgc_field sgc_f3 = {"User", 4, 3};
static const sgc_field sgc_f4 = {"Product", 7, 4};
static const sgc_field sgc_f5 = {"EventID", 7, 5};
static const sgc_field sgc_f6 = {"Port", 4, 6};
static const sgc_field sgc_f7 = {"Ratio", 5, 7};
static const sgc_field sgc_f8 = {"Hashes", 6, 8};
static const sgc_field sgc_f9 = {"Company", 7, 9};
static const sgc_field sgc_f10 = {"DestinationIp", 13, 10};
static const sgc_field sgc_f11 = {"TargetUser", 10, 11};
static const sgc_field sgc_f12 = {"UtcTime", 7, 12};
#undef SGC_NFIELDS
#define SGC_NFIELDS 13
static const sgc_lit sgc_d0 = {"\\cmd.exe", 8, NULL, 0x0000000000000000ull, SGC_ENDS, 0, 0, {0, 0, 0}, 1};
static const unsigned short sgc_d1_kmp[] = {
    0, 0, 0, 1, 2, 0,
};
static const sgc_lit sgc_d1 = {"abcabd", 6, sgc_d1_kmp, 0x0000000000000000ull, SGC_CONTAINS, 0, 3, {504, 266, 1477}, 1};
static const sgc_lit sgc_d2 = {"c:\\windows\\", 11, NULL, 0x0000000000000000ull, SGC_STARTS, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d3 = {"system", 6, NULL, 0x6b36c70b5dbddb0aull, SGC_EQ, 0, 0, {0, 0, 0}, 1};
static const sgc_seg sgc_d4_segs[] = {
    {SGC_SEG_STAR, NULL, 0},
    {SGC_SEG_LIT, "\303\244rger", 6},
    {SGC_SEG_QMARK, NULL, 0},
    {SGC_SEG_LIT, "x", 1},
    {SGC_SEG_STAR, NULL, 0},
};
static const sgc_glob sgc_d4 = {sgc_d4_segs, 5, 0};
static const sgc_seg sgc_d5_segs[] = {
    {SGC_SEG_LIT, "Sig", 3},
    {SGC_SEG_STAR, NULL, 0},
    {SGC_SEG_LIT, "ma", 2},
};
static const sgc_glob sgc_d5 = {sgc_d5_segs, 3, 1};
static const sgc_num sgc_d6 = {SGC_OP_GTE, 1, 4688LL, 4688.0};
static const sgc_num sgc_d7 = {SGC_OP_EQ, 1, 443LL, 443.0};
static const sgc_num sgc_d8 = {SGC_OP_LT, 0, 0LL, 0.5};
static const sgc_cidr sgc_d9 = {4, 8, {10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
static const sgc_cidr sgc_d10 = {6, 32, {32, 1, 13, 184, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
static const sgc_timet sgc_d11 = {SGC_HOUR, SGC_OP_EQ, 3.0};
static int sgc_rule_0(sgc_ev *ev)
{
    return (sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d0)
            && sgc_any(ev, &sgc_f1, sgc_v_str, &sgc_d1)
            && sgc_any(ev, &sgc_f2, sgc_v_str, &sgc_d2)
            && sgc_any(ev, &sgc_f3, sgc_v_str, &sgc_d3)
            && ((sgc_any(ev, &sgc_f1, sgc_v_glob, &sgc_d4)
                    && sgc_any(ev, &sgc_f4, sgc_v_glob, &sgc_d5))
                || (sgc_any(ev, &sgc_f5, sgc_v_num, &sgc_d6)
                    && sgc_any(ev, &sgc_f6, sgc_v_num, &sgc_d7)
                    && sgc_any(ev, &sgc_f7, sgc_v_num, &sgc_d8)))
            && !(sgc_null(ev, &sgc_f8)
                    && (sgc_get(ev, &sgc_f9) == NULL))
            && (sgc_any(ev, &sgc_f10, sgc_v_cidr, &sgc_d9)
                || sgc_any(ev, &sgc_f10, sgc_v_cidr, &sgc_d10)))
        || (sgc_ref(ev, &sgc_f11, &sgc_f3, SGC_EQ, 0)
            && sgc_ref(ev, &sgc_f1, &sgc_f0, SGC_CONTAINS, 0))
        || sgc_any(ev, &sgc_f12, sgc_v_time, &sgc_d11);
}
static const sgc_node sgc_node_1;
static const sgc_node sgc_node_0 = {sgc_rule_0, &sgc_node_1, {NULL, NULL}, NULL, {0, "6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a01", "Every kind of test", "medium", "modifiers.yml"}};
