/* First rule | id 6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a04 | shared.yml */
static const sgc_field sgc_f0 = {"Channel", 7, 0};
static const sgc_field sgc_f1 = {"CommandLine", 11, 1};
#undef SGC_NFIELDS
#define SGC_NFIELDS 2
static const sgc_lit sgc_d0 = {"microsoft-windows-sysmon/operational", 36, NULL, 0x53e0fe345ce13caaull, SGC_EQ, 0, 0, {0, 0, 0}, 1};
static const unsigned short sgc_d1_kmp[] = {
    0, 0, 1, 2, 0, 0, 0, 0,
};
static const sgc_lit sgc_d1 = {"mimikatz", 8, sgc_d1_kmp, 0x0000000000000000ull, SGC_CONTAINS, 0, 3, {1911, 2012, 164}, 1};
static const uint64_t sgc_d2_keys[] = {0x53e0fe345ce13caaull};
static const sgc_guard sgc_d2 = {&sgc_f0, 0, 1, sgc_d2_keys};
static const sgc_atom sgc_d3_atoms[] = {
    {&sgc_f1, {1911, 2012, 164}, 3},
};
static const sgc_atoms sgc_d3 = {1, sgc_d3_atoms};
static int sgc_rule_0(sgc_ev *ev)
{
    return sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d0)
        && sgc_any(ev, &sgc_f1, sgc_v_str, &sgc_d1);
}
static const sgc_node sgc_node_1;
static const sgc_node sgc_node_0 = {sgc_rule_0, &sgc_node_1, {&sgc_d2, NULL}, &sgc_d3, {0, "6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a04", "First rule", "high", "shared.yml"}};
/* Second rule reuses the field and literal data of the first | id 6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a05 | shared.yml */
static const unsigned short sgc_d4_kmp[] = {
    0, 0, 0, 0, 0, 0, 1, 0,
};
static const sgc_lit sgc_d4 = {"sekurlsa", 8, sgc_d4_kmp, 0x0000000000000000ull, SGC_CONTAINS, 0, 3, {1687, 1380, 1593}, 1};
static const sgc_atom sgc_d5_atoms[] = {
    {&sgc_f1, {1687, 1380, 1593}, 3},
};
static const sgc_atoms sgc_d5 = {1, sgc_d5_atoms};
static int sgc_rule_1(sgc_ev *ev)
{
    return sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d0)
        && sgc_any(ev, &sgc_f1, sgc_v_str, &sgc_d4);
}
static const sgc_node sgc_node_2;
static const sgc_node sgc_node_1 = {sgc_rule_1, &sgc_node_2, {&sgc_d2, NULL}, &sgc_d5, {1, "6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a05", "Second rule reuses the field and literal data of the first", "high", "shared.yml"}};
