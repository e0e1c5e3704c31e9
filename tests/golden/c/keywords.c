/* Keywords read _raw or every string | id 6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a06 | keywords.yml */
static const sgc_field sgc_f0 = {"_raw", 4, 0};
#undef SGC_NFIELDS
#define SGC_NFIELDS 1
static const sgc_lit sgc_d0 = {"failed password", 15, NULL, 0x0000000000000000ull, SGC_CONTAINS, 0, 3, {1990, 321, 1723}, 1};
static const sgc_seg sgc_d1_segs[] = {
    {SGC_SEG_STAR, NULL, 0},
    {SGC_SEG_LIT, "evil", 4},
    {SGC_SEG_STAR, NULL, 0},
    {SGC_SEG_LIT, "payload", 7},
    {SGC_SEG_STAR, NULL, 0},
};
static const sgc_glob sgc_d1 = {sgc_d1_segs, 5, 0};
static int sgc_rule_0(sgc_ev *ev)
{
    return sgc_kw(ev, &sgc_f0, sgc_v_str, &sgc_d0)
        || sgc_kw(ev, &sgc_f0, sgc_v_glob, &sgc_d1);
}
static const sgc_node sgc_node_1;
static const sgc_node sgc_node_0 = {sgc_rule_0, &sgc_node_1, {NULL, NULL}, NULL, {0, "6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a06", "Keywords read _raw or every string", "medium", "keywords.yml"}};
