/* Placeholders a pipeline resolves | id 6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a0f | placeholders.yml */
static const sgc_field sgc_f0 = {"Image", 5, 0};
#undef SGC_NFIELDS
#define SGC_NFIELDS 1
static const sgc_seg sgc_d0_segs[] = {
    {SGC_SEG_LIT, "c:\\admin", 8},
    {SGC_SEG_LIT, "\\", 1},
    {SGC_SEG_STAR, NULL, 0},
};
static const sgc_glob sgc_d0 = {sgc_d0_segs, 3, 0};
static const sgc_seg sgc_d1_segs[] = {
    {SGC_SEG_LIT, "d:\\quote\"d", 10},
    {SGC_SEG_LIT, "\\", 1},
    {SGC_SEG_STAR, NULL, 0},
};
static const sgc_glob sgc_d1 = {sgc_d1_segs, 3, 0};
static const sgc_atom sgc_d2_atoms[] = {
    {&sgc_f0, {997, 849, 836}, 3},
    {&sgc_f0, {214, 1958, 665}, 3},
};
static const sgc_atoms sgc_d2 = {2, sgc_d2_atoms};
static int sgc_rule_0(sgc_ev *ev)
{
    return sgc_any(ev, &sgc_f0, sgc_v_glob, &sgc_d0)
        || sgc_any(ev, &sgc_f0, sgc_v_glob, &sgc_d1);
}
static const sgc_node sgc_node_1;
static const sgc_node sgc_node_0 = {sgc_rule_0, &sgc_node_1, {NULL, NULL}, &sgc_d2, {0, "6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a0f", "Placeholders a pipeline resolves", "low", "placeholders.yml"}};
