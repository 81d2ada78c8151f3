"""The order saga: one Step Functions (standard) execution per order.

Reserve ──RESERVED?──► Charge ──► Ship ──► PublishOrderShipped ──► OrderShipped
   │ no                  │ fails    │ fails
   ▼                     │          ▼
ReservationRejected      │        Refund
                         ▼          │
                    ReleaseStock ◄──┘ ──► OrderCancelled (the failed step's error and cause)

Charge retries the gateway's transient `PaymentGatewayTimeout`; any failure after the reservation is
compensated in reverse order (refund what was charged, release what was reserved). Every task is safe to
run twice (Step Functions delivers at least once, and retries): reserve and release are conditional
DynamoDB transactions keyed by the order id, and the charge and shipment ids derive from it.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

ORDER_EVENT_SOURCE = "inventory.orders"
ORDER_SHIPPED = "OrderShipped"
RETRY_INTERVAL = cdk.Duration.seconds(1)


class OrderSaga(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        reserve: lambda_.IFunction,
        charge: lambda_.IFunction,
        ship: lambda_.IFunction,
        refund: lambda_.IFunction,
        release: lambda_.IFunction,
        bus: events.IEventBus,
    ) -> None:
        super().__init__(scope, construct_id)
        order_id, correlation_id = (
            sfn.JsonPath.string_at("$.order_id"),
            sfn.JsonPath.string_at("$.correlation_id"),
        )

        reserve_step = _invoke(
            self,
            "Reserve",
            reserve,
            {
                "idempotency_key": order_id,
                "sku": sfn.JsonPath.string_at("$.sku"),
                "quantity": sfn.JsonPath.number_at("$.quantity"),
                "correlation_id": correlation_id,
            },
            result_path="$.reservation",
        )
        # Two deliveries of one order racing on its reservation: the loser retries and gets the replay.
        reserve_step.add_retry(errors=["ReservationConflict"], interval=RETRY_INTERVAL, max_attempts=3)

        charge_step = _invoke(
            self,
            "Charge",
            charge,
            {
                "order_id": order_id,
                "amount_cents": sfn.JsonPath.number_at("$.amount_cents"),
                "payment_method": sfn.JsonPath.string_at("$.payment_method"),
                # The gateway sandbox behaves per attempt; a real one would get the order id as its
                # idempotency key (as the charge id here derives from it).
                "attempt": sfn.JsonPath.number_at("$$.State.RetryCount"),
            },
            result_path="$.payment",
        )
        charge_step.add_retry(
            errors=["PaymentGatewayTimeout"], interval=RETRY_INTERVAL, max_attempts=2, backoff_rate=2
        )

        ship_step = _invoke(
            self,
            "Ship",
            ship,
            {
                "order_id": order_id,
                "sku": sfn.JsonPath.string_at("$.sku"),
                "quantity": sfn.JsonPath.number_at("$.quantity"),
                "ship_to": sfn.JsonPath.object_at("$.ship_to"),
                "correlation_id": correlation_id,
            },
            result_path="$.shipment",
        )

        publish_shipped = tasks.EventBridgePutEvents(
            self,
            "PublishOrderShipped",
            entries=[
                tasks.EventBridgePutEventsEntry(
                    event_bus=bus,
                    source=ORDER_EVENT_SOURCE,
                    detail_type=ORDER_SHIPPED,
                    detail=sfn.TaskInput.from_object(
                        {
                            "order_id": order_id,
                            "sku": sfn.JsonPath.string_at("$.sku"),
                            "quantity": sfn.JsonPath.number_at("$.quantity"),
                            "tracking_number": sfn.JsonPath.string_at("$.shipment.tracking_number"),
                            "correlation_id": correlation_id,
                        }
                    ),
                )
            ],
            result_path=sfn.JsonPath.DISCARD,
        )

        # Compensation: each step must finish, so each retries whatever failed it.
        refund_step = _invoke(
            self,
            "Refund",
            refund,
            {"order_id": order_id, "charge_id": sfn.JsonPath.string_at("$.payment.charge_id")},
            result_path="$.refund",
        )
        release_step = _invoke(
            self,
            "ReleaseStock",
            release,
            {"idempotency_key": order_id, "correlation_id": correlation_id},
            result_path="$.release",
        )
        for step in (refund_step, release_step):
            step.add_retry(errors=[sfn.Errors.TASKS_FAILED], interval=RETRY_INTERVAL, max_attempts=3)
        cancelled = sfn.Fail(self, "OrderCancelled", error_path="$.error.Error", cause_path="$.error.Cause")
        release_step.next(cancelled)
        refund_step.next(release_step)
        charge_step.add_catch(release_step, errors=[sfn.Errors.ALL], result_path="$.error")
        ship_step.add_catch(refund_step, errors=[sfn.Errors.ALL], result_path="$.error")

        rejected = sfn.Fail(
            self, "ReservationRejected", error="ReservationRejected", cause_path="$.reservation.reason"
        )
        definition = reserve_step.next(
            sfn.Choice(self, "IsReserved")
            .when(
                sfn.Condition.string_equals("$.reservation.status", "RESERVED"),
                charge_step.next(ship_step).next(publish_shipped).next(sfn.Succeed(self, "OrderShipped")),
            )
            .otherwise(rejected)
        )
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            state_machine_type=sfn.StateMachineType.STANDARD,
            timeout=cdk.Duration.minutes(5),
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )


def _invoke(
    scope: Construct,
    construct_id: str,
    function: lambda_.IFunction,
    payload: dict[str, object],
    *,
    result_path: str,
) -> tasks.LambdaInvoke:
    """A Lambda task whose result (the function's return value only) lands at `result_path`."""
    return tasks.LambdaInvoke(
        scope,
        construct_id,
        lambda_function=function,
        payload=sfn.TaskInput.from_object(payload),
        payload_response_only=True,
        result_path=result_path,
    )
