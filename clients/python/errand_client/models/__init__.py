""" Contains all the data models used in inputs/outputs """

from .ack_message import AckMessage
from .alias_info import AliasInfo
from .alias_list import AliasList
from .alias_list_aliases import AliasListAliases
from .alias_set import AliasSet
from .alias_set_aliases import AliasSetAliases
from .alias_source import AliasSource
from .api_key import ApiKey
from .api_key_page import ApiKeyPage
from .approval import Approval
from .attempt import Attempt
from .batch import Batch
from .batch_counts import BatchCounts
from .batch_status import BatchStatus
from .callback_secret import CallbackSecret
from .consumers import Consumers
from .create_api_key import CreateApiKey
from .create_task import CreateTask
from .create_task_model_settings_type_0 import CreateTaskModelSettingsType0
from .create_thread import CreateThread
from .create_thread_metadata import CreateThreadMetadata
from .created_api_key import CreatedApiKey
from .created_trigger import CreatedTrigger
from .delivered import Delivered
from .delivery import Delivery
from .delivery_detail import DeliveryDetail
from .delivery_page import DeliveryPage
from .event_page import EventPage
from .file_info import FileInfo
from .file_page import FilePage
from .fire_outcome import FireOutcome
from .fire_page import FirePage
from .get_file_format import GetFileFormat
from .health import Health
from .hook_queue_target import HookQueueTarget
from .hook_runner_target import HookRunnerTarget
from .http_method import HttpMethod
from .http_tool_def import HttpToolDef
from .http_tool_def_headers import HttpToolDefHeaders
from .http_tool_def_input_schema_type_0 import HttpToolDefInputSchemaType0
from .http_tool_def_output_schema_type_0 import HttpToolDefOutputSchemaType0
from .http_tool_input import HttpToolInput
from .http_tool_input_headers import HttpToolInputHeaders
from .http_tool_input_input_schema import HttpToolInputInputSchema
from .http_tool_input_input_schema_type import HttpToolInputInputSchemaType
from .http_tool_input_output_schema_type_0 import HttpToolInputOutputSchemaType0
from .if_not_exists import IfNotExists
from .input_kind import InputKind
from .input_request import InputRequest
from .invocation import Invocation
from .invocation_page import InvocationPage
from .invoke_result import InvokeResult
from .invoke_tool import InvokeTool
from .list_queue_messages_status import ListQueueMessagesStatus
from .list_tools_format import ListToolsFormat
from .mcp_tool import McpTool
from .mcp_tool_input_schema import McpToolInputSchema
from .message import Message
from .message_page import MessagePage
from .message_role import MessageRole
from .message_status import MessageStatus
from .minute import Minute
from .minute_by_status import MinuteByStatus
from .missed import Missed
from .model_list import ModelList
from .multitask_strategy import MultitaskStrategy
from .nack_message import NackMessage
from .new_http_tool import NewHttpTool
from .new_http_tool_headers import NewHttpToolHeaders
from .new_http_tool_input_schema import NewHttpToolInputSchema
from .new_http_tool_input_schema_type import NewHttpToolInputSchemaType
from .new_http_tool_output_schema_type_0 import NewHttpToolOutputSchemaType0
from .new_project import NewProject
from .new_runner import NewRunner
from .new_runner_input_schema_type_0 import NewRunnerInputSchemaType0
from .new_runner_labels import NewRunnerLabels
from .new_runner_model_settings import NewRunnerModelSettings
from .new_runner_output_schema_type_0 import NewRunnerOutputSchemaType0
from .new_schedule import NewSchedule
from .new_trigger import NewTrigger
from .new_trigger_mapping_type_0 import NewTriggerMappingType0
from .new_webhook import NewWebhook
from .openai_tool import OpenaiTool
from .openai_tool_function import OpenaiToolFunction
from .overlap import Overlap
from .pending_call import PendingCall
from .post_message import PostMessage
from .problem import Problem
from .problem_code import ProblemCode
from .project import Project
from .project_page import ProjectPage
from .provider_info import ProviderInfo
from .provider_info_prices import ProviderInfoPrices
from .queue import Queue
from .queue_depth import QueueDepth
from .queue_page import QueuePage
from .queue_settings_input import QueueSettingsInput
from .queue_target import QueueTarget
from .received import Received
from .received_message import ReceivedMessage
from .redrive_messages import RedriveMessages
from .redriven import Redriven
from .runner import Runner
from .runner_input import RunnerInput
from .runner_input_input_schema_type_0 import RunnerInputInputSchemaType0
from .runner_input_labels import RunnerInputLabels
from .runner_input_model_settings import RunnerInputModelSettings
from .runner_input_output_schema_type_0 import RunnerInputOutputSchemaType0
from .runner_input_schema_type_0 import RunnerInputSchemaType0
from .runner_labels import RunnerLabels
from .runner_model_settings import RunnerModelSettings
from .runner_output_schema_type_0 import RunnerOutputSchemaType0
from .runner_page import RunnerPage
from .runner_target import RunnerTarget
from .schedule import Schedule
from .schedule_change import ScheduleChange
from .schedule_fire import ScheduleFire
from .schedule_page import SchedulePage
from .scheme import Scheme
from .scope import Scope
from .secret_ref import SecretRef
from .source import Source
from .sse_frame import SseFrame
from .step_page import StepPage
from .stored_file import StoredFile
from .structured_output import StructuredOutput
from .task import Task
from .task_error import TaskError
from .task_error_code import TaskErrorCode
from .task_event import TaskEvent
from .task_event_data import TaskEventData
from .task_input import TaskInput
from .task_model_settings import TaskModelSettings
from .task_page import TaskPage
from .task_stats import TaskStats
from .task_stats_by_status import TaskStatsByStatus
from .task_status import TaskStatus
from .task_step import TaskStep
from .task_step_request import TaskStepRequest
from .task_step_response import TaskStepResponse
from .task_step_usage_type_0 import TaskStepUsageType0
from .task_usage import TaskUsage
from .thread import Thread
from .thread_event import ThreadEvent
from .thread_event_data import ThreadEventData
from .thread_event_page import ThreadEventPage
from .thread_message import ThreadMessage
from .thread_message_tool_calls_item import ThreadMessageToolCallsItem
from .thread_metadata import ThreadMetadata
from .thread_page import ThreadPage
from .thread_status import ThreadStatus
from .tool_entry import ToolEntry
from .tool_entry_input_schema_type_0 import ToolEntryInputSchemaType0
from .tool_entry_output_schema_type_0 import ToolEntryOutputSchemaType0
from .tool_info import ToolInfo
from .tool_info_input_schema import ToolInfoInputSchema
from .tool_kind import ToolKind
from .tool_page import ToolPage
from .trigger import Trigger
from .trigger_change import TriggerChange
from .trigger_mapping_type_0 import TriggerMappingType0
from .trigger_page import TriggerPage
from .update_thread import UpdateThread
from .update_thread_metadata_type_0 import UpdateThreadMetadataType0
from .violation import Violation
from .webhook import Webhook
from .webhook_change import WebhookChange
from .webhook_event import WebhookEvent
from .webhook_page import WebhookPage
from .webhook_with_secret import WebhookWithSecret
from .write_file import WriteFile

__all__ = (
    "AckMessage",
    "AliasInfo",
    "AliasList",
    "AliasListAliases",
    "AliasSet",
    "AliasSetAliases",
    "AliasSource",
    "ApiKey",
    "ApiKeyPage",
    "Approval",
    "Attempt",
    "Batch",
    "BatchCounts",
    "BatchStatus",
    "CallbackSecret",
    "Consumers",
    "CreateApiKey",
    "CreatedApiKey",
    "CreatedTrigger",
    "CreateTask",
    "CreateTaskModelSettingsType0",
    "CreateThread",
    "CreateThreadMetadata",
    "Delivered",
    "Delivery",
    "DeliveryDetail",
    "DeliveryPage",
    "EventPage",
    "FileInfo",
    "FilePage",
    "FireOutcome",
    "FirePage",
    "GetFileFormat",
    "Health",
    "HookQueueTarget",
    "HookRunnerTarget",
    "HttpMethod",
    "HttpToolDef",
    "HttpToolDefHeaders",
    "HttpToolDefInputSchemaType0",
    "HttpToolDefOutputSchemaType0",
    "HttpToolInput",
    "HttpToolInputHeaders",
    "HttpToolInputInputSchema",
    "HttpToolInputInputSchemaType",
    "HttpToolInputOutputSchemaType0",
    "IfNotExists",
    "InputKind",
    "InputRequest",
    "Invocation",
    "InvocationPage",
    "InvokeResult",
    "InvokeTool",
    "ListQueueMessagesStatus",
    "ListToolsFormat",
    "McpTool",
    "McpToolInputSchema",
    "Message",
    "MessagePage",
    "MessageRole",
    "MessageStatus",
    "Minute",
    "MinuteByStatus",
    "Missed",
    "ModelList",
    "MultitaskStrategy",
    "NackMessage",
    "NewHttpTool",
    "NewHttpToolHeaders",
    "NewHttpToolInputSchema",
    "NewHttpToolInputSchemaType",
    "NewHttpToolOutputSchemaType0",
    "NewProject",
    "NewRunner",
    "NewRunnerInputSchemaType0",
    "NewRunnerLabels",
    "NewRunnerModelSettings",
    "NewRunnerOutputSchemaType0",
    "NewSchedule",
    "NewTrigger",
    "NewTriggerMappingType0",
    "NewWebhook",
    "OpenaiTool",
    "OpenaiToolFunction",
    "Overlap",
    "PendingCall",
    "PostMessage",
    "Problem",
    "ProblemCode",
    "Project",
    "ProjectPage",
    "ProviderInfo",
    "ProviderInfoPrices",
    "Queue",
    "QueueDepth",
    "QueuePage",
    "QueueSettingsInput",
    "QueueTarget",
    "Received",
    "ReceivedMessage",
    "RedriveMessages",
    "Redriven",
    "Runner",
    "RunnerInput",
    "RunnerInputInputSchemaType0",
    "RunnerInputLabels",
    "RunnerInputModelSettings",
    "RunnerInputOutputSchemaType0",
    "RunnerInputSchemaType0",
    "RunnerLabels",
    "RunnerModelSettings",
    "RunnerOutputSchemaType0",
    "RunnerPage",
    "RunnerTarget",
    "Schedule",
    "ScheduleChange",
    "ScheduleFire",
    "SchedulePage",
    "Scheme",
    "Scope",
    "SecretRef",
    "Source",
    "SseFrame",
    "StepPage",
    "StoredFile",
    "StructuredOutput",
    "Task",
    "TaskError",
    "TaskErrorCode",
    "TaskEvent",
    "TaskEventData",
    "TaskInput",
    "TaskModelSettings",
    "TaskPage",
    "TaskStats",
    "TaskStatsByStatus",
    "TaskStatus",
    "TaskStep",
    "TaskStepRequest",
    "TaskStepResponse",
    "TaskStepUsageType0",
    "TaskUsage",
    "Thread",
    "ThreadEvent",
    "ThreadEventData",
    "ThreadEventPage",
    "ThreadMessage",
    "ThreadMessageToolCallsItem",
    "ThreadMetadata",
    "ThreadPage",
    "ThreadStatus",
    "ToolEntry",
    "ToolEntryInputSchemaType0",
    "ToolEntryOutputSchemaType0",
    "ToolInfo",
    "ToolInfoInputSchema",
    "ToolKind",
    "ToolPage",
    "Trigger",
    "TriggerChange",
    "TriggerMappingType0",
    "TriggerPage",
    "UpdateThread",
    "UpdateThreadMetadataType0",
    "Violation",
    "Webhook",
    "WebhookChange",
    "WebhookEvent",
    "WebhookPage",
    "WebhookWithSecret",
    "WriteFile",
)
