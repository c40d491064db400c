"""The department's part of the 绩效目标表: 部门整体绩效目标 (:class:`DepartmentSheet`:
总体绩效目标, 分项绩效目标, 工作保障措施) and 整体绩效目标表 (:class:`OverallSheet`: seed 002's
18 columns under a three-level header).
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.a1 import a1, column_letter
from jixiao.model import CHECKPOINTS, OVERALL_COLUMNS
from jixiao.template.positions import (
    Widths,
    cell_range,
    column_for,
    column_of,
    column_range,
    row_of,
    shifted,
)
from jixiao.template.print_setup import PrintSetup


@dataclass(frozen=True, slots=True)
class DepartmentSheet:
    """部门整体绩效目标: 总体绩效目标, 分项绩效目标 (one row per indicator), 工作保障措施."""

    name: str = "部门整体绩效目标"
    title: str = "A1"
    overall_label: str = "A2"
    overall_goal: str = "A3"
    blocks_label: str = "A5"
    blocks_header_row: int = 6
    blocks_first_row: int = 7
    blocks_rows: int = 60
    block_columns: tuple[tuple[str, str, str], ...] = (
        # (field, column, header)
        ("title", "A", "分项名称（职责）"),
        ("goal", "B", "绩效目标"),
        ("plan_0", "C", "3月底"),
        ("plan_1", "D", "6月底"),
        ("plan_2", "E", "10月底"),
        ("plan_3", "F", "12月底"),
        ("level1", "G", "一级指标"),
        ("level2", "H", "二级指标"),
        ("level3", "I", "三级指标"),
        ("description", "J", "指标说明"),
        ("value", "K", "指标值"),
    )
    measures_gap: int = 2
    measures_rows: int = 15
    measure_columns: tuple[tuple[str, str, str], ...] = (
        ("group", "A", "类别"),
        ("title", "B", "保障措施"),
        ("text", "C", "具体内容"),
    )
    widths: Widths = (16, 36, 8, 8, 8, 8, 12, 16, 28, 24, 14)

    @property
    def last_column(self) -> str:
        """The rightmost column of the grids."""
        return self.block_columns[-1][1]

    @property
    def blocks_last_row(self) -> int:
        """Last row of the 分项绩效目标 grid."""
        return self.blocks_first_row + self.blocks_rows - 1

    @property
    def measures_label_row(self) -> int:
        """Row of the 三、工作保障措施 heading."""
        return self.blocks_last_row + self.measures_gap

    @property
    def measures_label(self) -> str:
        """The 三、工作保障措施 heading, in the column of the other headings."""
        return f"{column_of(self.blocks_label)}{self.measures_label_row}"

    @property
    def measures_header_row(self) -> int:
        """Header row of the measures grid."""
        return self.measures_label_row + 1

    @property
    def measures_first_row(self) -> int:
        """First row of the measures grid."""
        return self.measures_header_row + 1

    @property
    def measures_last_row(self) -> int:
        """Last row of the measures grid."""
        return self.measures_first_row + self.measures_rows - 1

    @property
    def end_marker(self) -> str:
        """Below the measures grid, right of it."""
        return f"{shifted(self.last_column, 1)}{self.measures_last_row + 1}"

    @property
    def printing(self) -> PrintSetup:
        """Landscape (eleven columns), the 分项绩效目标 header repeated on later pages."""
        area = cell_range(self.title, f"{self.last_column}{self.measures_last_row}")
        grid = (self.measures_first_row, self.measures_last_row)
        return PrintSetup(area, (self.blocks_header_row,) * 2, landscape=True, grid=grid)

    @property
    def overall_goal_merge(self) -> str:
        """The 总体绩效目标 input spans the width of the grids."""
        return cell_range(self.overall_goal, f"{self.last_column}{row_of(self.overall_goal)}")

    def block_cell(self, field_name: str, row: int) -> str:
        """The cell of one 分项绩效目标 field on one row."""
        return column_for(self.block_columns, field_name) + str(row)

    def measure_cell(self, field_name: str, row: int) -> str:
        """The cell of one 工作保障措施 field on one row."""
        return column_for(self.measure_columns, field_name) + str(row)

    def measure_text_merge(self, row: int) -> str:
        """具体内容 spans the rest of the width (header and every measure row)."""
        return cell_range(self.measure_cell("text", row), f"{self.last_column}{row}")

    @property
    def plan_range(self) -> str:
        """The 支出进度 cells of every block row."""
        last_plan = f"plan_{len(CHECKPOINTS) - 1}"
        return cell_range(
            self.block_cell("plan_0", self.blocks_first_row),
            self.block_cell(last_plan, self.blocks_last_row),
        )

    @property
    def measure_groups(self) -> str:
        """The 类别 column of the measures grid."""
        group = column_for(self.measure_columns, "group")
        return column_range(group, self.measures_first_row, self.measures_last_row)

    @property
    def freeze(self) -> str:
        """Freeze panes above the 分项绩效目标 grid."""
        return a1(self.blocks_first_row, 1)


@dataclass(frozen=True, slots=True)
class OverallSheet:
    """整体绩效目标表: the 18-column layout of seed 002 (one row per indicator)."""

    name: str = "整体绩效目标表"
    title: str = "A1"
    header_rows: tuple[int, int] = (2, 5)
    first_row: int = 6
    rows: int = 80
    status_column: str = "T"
    frozen_columns: int = 4
    """职责序号 to 指标名称 stay in view when scrolling right."""
    header: tuple[tuple[str, str], ...] = (
        # (range, text): the merged three-level header of seed 002
        ("A2:A5", "职责序号"),
        ("B2:B5", "部门职责"),
        ("C2:C5", "职责目标"),
        ("D2:F2", "指标"),
        ("D3:D5", "指标名称"),
        ("E3:E5", "符号"),
        ("F3:F5", "单位"),
        ("G2:G5", "指标解释"),
        ("H2:H5", "年度指标值"),
        ("I2:N2", "指标参考值"),
        ("I3:K3", "标准值(规划目标、行业标准或其他明确标准)"),
        ("L3:N3", "历史值(统计年鉴/统计公报/内部统计/其他需明确的来源)"),
        ("I4:I5", "规划值"),
        ("J4:K4", "当年标准值"),
        ("J5:J5", "标准值"),
        ("K5:K5", "来源"),
        ("L4:L5", "前三年均值"),
        ("M4:M5", "上年值"),
        ("N4:N5", "来源"),
        ("O2:O5", "备注(标准值和历史值均无的原因/其他需要说明的问题)"),
        ("P2:P5", "工作活动"),
        ("Q2:Q5", "预算项目"),
        ("R2:R5", "对应科室"),
    )
    widths: Widths = (6, 14, 24, 28, 6, 8, 18, 10, 10, 10, 12, 10, 10, 14, 18, 20, 20, 12)

    @property
    def columns(self) -> tuple[tuple[str, str, str], ...]:
        """(model field, column letter, header) for the 18 leaf columns."""
        return tuple(
            (name, column_letter(i + 1), header) for i, (name, header) in enumerate(OVERALL_COLUMNS)
        )

    @property
    def last_column(self) -> str:
        """The rightmost leaf column."""
        return column_letter(len(OVERALL_COLUMNS))

    @property
    def title_range(self) -> str:
        """The title spans every column."""
        return cell_range(self.title, f"{self.last_column}{row_of(self.title)}")

    @property
    def header_range(self) -> str:
        """The whole three-level header."""
        top, bottom = self.header_rows
        return cell_range(a1(top, 1), f"{self.last_column}{bottom}")

    def column_range(self, field_name: str) -> str:
        """One column of the data rows (``E6:E85`` for ``symbol``)."""
        column = next(c for name, c, _ in self.columns if name == field_name)
        return column_range(column, self.first_row, self.last_row)

    @property
    def freeze(self) -> str:
        """Freeze panes below the header and right of the frozen columns."""
        return a1(self.first_row, self.frozen_columns + 1)

    @property
    def last_row(self) -> int:
        """Last data row."""
        return self.first_row + self.rows - 1

    @property
    def printing(self) -> PrintSetup:
        """Landscape, the three-level header repeated on every page."""
        area = cell_range(self.title, f"{self.last_column}{self.last_row}")
        grid = (self.first_row, self.last_row)
        return PrintSetup(area, self.header_rows, landscape=True, grid=grid)

    @property
    def end_marker(self) -> str:
        """Below the grid, beside the status column."""
        return f"{self.status_column}{self.last_row + 1}"
