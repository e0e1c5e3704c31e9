/* cmd_match.h - the `sigmacc match` command (cli/match.c). */
#ifndef SG_CLI_CMD_MATCH_H
#define SG_CLI_CMD_MATCH_H

int cmd_match(int argc, char **argv);

#endif
