/* Hostile "literals" ??= ' | id 6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a03 | escaping.yml */
static const sgc_field sgc_f0 = {"CommandLine", 11, 0};
#undef SGC_NFIELDS
#define SGC_NFIELDS 1
static const sgc_lit sgc_d0 = {"say \"hi\" \\ bye", 14, NULL, 0xf43d70b864d9ada3ull, SGC_EQ, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d1 = {"what\?\?/ trigraph\?\?=", 19, NULL, 0x564b4b7ed22a30e4ull, SGC_EQ, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d2 = {"end of comment */ here", 22, NULL, 0x334a41c8245136cbull, SGC_EQ, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d3 = {"tab\011here\012newline\000nul", 20, NULL, 0x686e11f3059cd602ull, SGC_EQ, 0, 0, {0, 0, 0}, 1};
static const sgc_lit sgc_d4 = {"\303\245ngstr\303\266m \342\202\254 \360\237\230\200", 19, NULL, 0x97eed21a40f4bb92ull, SGC_EQ, 0, 0, {0, 0, 0}, 0};
static const uint64_t sgc_d5_keys[] = {0xf43d70b864d9ada3ull, 0x564b4b7ed22a30e4ull, 0x334a41c8245136cbull, 0x686e11f3059cd602ull, 0x97eed21a40f4bb92ull};
static const sgc_guard sgc_d5 = {&sgc_f0, 0, 5, sgc_d5_keys};
static const sgc_atom sgc_d6_atoms[] = {
    {&sgc_f0, {1253, 391, 1636}, 3},
    {&sgc_f0, {394, 631, 1198}, 3},
    {&sgc_f0, {1626, 2042, 279}, 3},
    {&sgc_f0, {608, 58, 1385}, 3},
    {&sgc_f0, {0, 0, 0}, 0},
};
static const sgc_atoms sgc_d6 = {5, sgc_d6_atoms};
static int sgc_rule_0(sgc_ev *ev)
{
    return sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d0)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d1)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d2)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d3)
        || sgc_any(ev, &sgc_f0, sgc_v_str, &sgc_d4);
}
static const sgc_node sgc_node_1;
static const sgc_node sgc_node_0 = {sgc_rule_0, &sgc_node_1, {&sgc_d5, NULL}, &sgc_d6, {0, "6b1e2a90-0c1d-4e5f-8a9b-0c1d2e3f4a03", "Hostile \"literals\" \?\?= */", "low", "escaping.yml"}};
