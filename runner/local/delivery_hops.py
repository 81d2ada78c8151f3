"""Route moto's asynchronous hops through runner.local.delivery, so they take the configured latency.

Installed after the Lambda host's own patches of the same methods, so each wrapper delays whatever
delivery is in place (moto's, or the host's Lambda invocation). The DynamoDB stream hop is delayed in
runner.local.lambda_host.stream_poller, which reads the stream itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from runner.local.delivery import current_delays, deliver_later
from runner.local.fixes.fix import Fix


def _install() -> None:
    _delay_eventbridge_targets()
    _delay_sns_subscriptions()
    _delay_s3_notifications()


def _delayed(original: Callable[..., None], hop: str, describe: Callable[..., str]) -> Callable[..., None]:
    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        delay = getattr(current_delays(), hop)
        deliver_later(delay, lambda: original(*args, **kwargs), describe(*args))

    return wrapper


def _delay_eventbridge_targets() -> None:
    from moto.events.models import Rule

    rule_class: Any = Rule
    rule_class.send_to_targets = _delayed(
        rule_class.send_to_targets, "eventbridge", lambda rule, *_: f"EventBridge rule {rule.name}"
    )


def _delay_sns_subscriptions() -> None:
    from moto.sns.models import Subscription

    subscription_class: Any = Subscription
    subscription_class.publish = _delayed(
        subscription_class.publish, "sns", lambda subscription, *_: f"SNS subscription {subscription.arn}"
    )


def _delay_s3_notifications() -> None:
    import moto.s3.notifications as notifications

    # The senders, not send_event: the event (with its eventTime) is built when the object changed.
    for sender in ("_invoke_awslambda", "_send_sqs_message", "_send_sns_message"):
        original = getattr(notifications, sender)
        setattr(
            notifications,
            sender,
            _delayed(original, "s3_notification", lambda *args, name=sender: f"S3 notification {name}"),
        )


# Applied once per process like the gap fixes (runner.local.patches), after the Lambda host.
DELAYED_HOPS = Fix(
    name="delivery_latency_hops",
    description="EventBridge, SNS and S3 notification deliveries take the configured hop delay",
    install=_install,
)
