"""Request and response bodies, with the Vietnamese examples `/docs` shows."""

from pydantic import BaseModel, ConfigDict, Field

_EXAMPLE_TEXT = "Đường Láng ngập sâu sau mưa, xe chết máy hàng loạt"


class ClassifyRequest(BaseModel):
    """One complaint to route."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": _EXAMPLE_TEXT}]},
    )

    text: str = Field(description="The complaint as the citizen wrote it, any spelling.")


class BatchItem(BaseModel):
    """One complaint of a batch; `id` is echoed back so results can be matched."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=200, description="The caller's id for the item.")
    text: str


class BatchRequest(BaseModel):
    """Several complaints, answered in the same order."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {"id": "pa-001", "text": _EXAMPLE_TEXT},
                        {"id": "pa-002", "text": "Xe ô tô 30A-123.45 đỗ chắn cổng trường"},
                    ]
                }
            ]
        },
    )

    items: list[BatchItem] = Field(description="The complaints (at most the configured limit).")


class DepartmentOut(BaseModel):
    """The department a label is routed to."""

    id: str
    name: str
    contact: str


class Term(BaseModel):
    """A word of the complaint and how strongly it pushed toward the label."""

    term: str
    weight: float


class ClassifyResponse(BaseModel):
    """The routing decision for one complaint."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "label": "flooding",
                    "label_name": "Úng ngập",
                    "confidence": 0.91,
                    "scores": {
                        "traffic": 0.03,
                        "flooding": 0.91,
                        "sanitation": 0.02,
                        "food_safety": 0.01,
                        "urban_order": 0.01,
                        "other": 0.02,
                    },
                    "department": {
                        "id": "so-xay-dung-thoat-nuoc",
                        "name": "Sở Xây dựng Hà Nội (thoát nước đô thị)",
                        "contact": "Bộ phận tiếp nhận phản ánh về úng ngập, Sở Xây dựng Hà Nội",
                    },
                    "needs_review": False,
                    "secondary_label": None,
                    "explanation": [
                        {"term": "ngập", "weight": 2.1},
                        {"term": "mưa", "weight": 0.8},
                        {"term": "chết máy", "weight": 0.4},
                    ],
                    "model_version": "20261126-163712",
                }
            ]
        }
    )

    label: str = Field(description="traffic, flooding, sanitation, food_safety, urban_order, other")
    label_name: str = Field(description="The label's Vietnamese name.")
    confidence: float = Field(ge=0, le=1, description="Probability of `label`.")
    scores: dict[str, float] = Field(description="Probability of each of the six labels.")
    department: DepartmentOut
    needs_review: bool = Field(description="True when confidence is under the review threshold.")
    secondary_label: str | None = Field(
        None, description="A second label when its probability is close (two problems named)."
    )
    explanation: list[Term] = Field(description="Words that pushed toward the label.")
    model_version: str
    prediction_id: str | None = Field(
        None, description="Id of the logged classification (when the prediction log is on)."
    )


class BatchResult(ClassifyResponse):
    """One batch answer, carrying the item's id."""

    id: str | None


class BatchResponse(BaseModel):
    """The answers of a batch, in the order of the request."""

    results: list[BatchResult]
    model_version: str


class LabelOut(BaseModel):
    """A label, its Vietnamese name and its department."""

    id: str
    name: str
    department: DepartmentOut


class FeedbackRequest(BaseModel):
    """A correction from triage staff: the label the complaint should have had."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "Ô tô đỗ chắn cổng trường Tiểu học Dịch Vọng, tắc cả ngõ",
                    "correct_label": "urban_order",
                    "predicted_label": "traffic",
                    "complaint_id": "PA-2026-001234",
                    "note": "Có xe vi phạm cụ thể: chuyển phường xử lý",
                }
            ]
        },
    )

    text: str = Field(description="The complaint as it was classified.")
    correct_label: str = Field(description="The label it should have.")
    predicted_label: str | None = Field(None, description="The label the router gave.")
    complaint_id: str | None = Field(
        None, max_length=200, description="The caller's id, or a prediction_id from the log."
    )
    note: str | None = Field(None, max_length=2000, description="Why, for the data team.")


class FeedbackResponse(BaseModel):
    """The stored correction's id: once returned, the correction is durably stored."""

    id: int
    model_version: str | None


class ReloadResponse(BaseModel):
    """The model now serving, and the one it replaced."""

    model_version: str
    previous_version: str | None


class HealthResponse(BaseModel):
    """Liveness or readiness."""

    status: str
    model_version: str | None = None
    detail: str | None = None
