/*
 * Discord interactions: Ed25519 over timestamp and body, PING answered
 * with PONG, the /intake application command answered inline.
 */
#ifndef HOOK_DISCORD_H
#define HOOK_DISCORD_H

#include "hook.h"

extern const struct hook_platform hook_discord;

#endif
