/*
 * Rocket.Chat outgoing webhooks: JSON with a token in the body.
 */
#ifndef HOOK_ROCKETCHAT_H
#define HOOK_ROCKETCHAT_H

#include "hook.h"

extern const struct hook_platform hook_rocketchat;

#endif
